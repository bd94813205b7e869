export * from "./domain";
export type { RetryContext } from "./executor/call-with-retry";
export { type ExecuteOptions, type ExecutePorts, type ExecutorRescue, executePlan } from "./executor/execute-plan";
export * from "./plan";
export { checkSafety } from "./planner/check-safety";
export { deriveTechnicianFields, resolveFieldRules } from "./planner/derive-technician-fields";
export { describeCondition, describeConditions } from "./planner/describe-cause";
export { explainResult, explainUser, type PairVerdict, type UserExplanation } from "./planner/explain-user";
export { fingerprintAction, holdRefusedActions } from "./planner/hold-refused-actions";
export { conditionHolds, conditionsOf, matchConditions, matchFilter } from "./planner/match-filter";
export { planRun } from "./planner/plan-run";
export { SKIPPED_EXAMPLE_LIMIT } from "./planner/tally-skipped-members";
export * from "./ports";
export {
  type DirectoryRead,
  type ReadDirectoryOptions,
  readDirectory,
  readDirectorySnapshot,
} from "./read-directory-snapshot";
export {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  type RetryDecision,
  RetryFailure,
  type RetryOptions,
  type RetryPolicy,
  retryCall,
  SINGLE_ATTEMPT,
} from "./retry-policy";
export * from "./run-report";
export { type RunSyncDeps, type RunSyncInput, type RunSyncResult, runSync } from "./run-sync";
export { systemClock } from "./system-clock";
