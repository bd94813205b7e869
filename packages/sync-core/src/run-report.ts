import type { PairSummary, PlanWarning, SafetyCheck, SkippedMembers, SyncActionKind } from "./plan";

/**
 * - succeeded: every planned action succeeded (or there was nothing to do);
 * - completed-with-failures: the run went through, some actions failed (rule 9);
 * - blocked: over the safety threshold and not approved, nothing applied (rule 11);
 * - dry-run: the plan was recorded, nothing applied (rule 10);
 * - cancelled: stopped at a batch boundary by the abort signal.
 */
export type RunStatus = "succeeded" | "completed-with-failures" | "blocked" | "dry-run" | "cancelled";

export interface ActionCounts {
  planned: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Not applied on purpose (after a licence refusal). */
  skipped: number;
}

/** Creates and enables not applied after Rescue refused a technician licence (one reason for all of them). */
export interface LicenceShortfall {
  /** The action whose refusal stopped the others. */
  refusedActionId: string;
  creates: number;
  enables: number;
  message: string;
}

export interface ActionFailure {
  actionId: string;
  kind: SyncActionKind;
  entraUserId: string;
  code: string;
  message: string;
  hint?: string;
  /** Failed transiently (its retries ran out during an outage): a follow-up run is likely to apply it. */
  retryable?: boolean;
}

export interface RunReport {
  status: RunStatus;
  dryRun: boolean;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  counts: Record<SyncActionKind, ActionCounts>;
  /** Calls made to each system during this run (callCount() deltas). */
  calls: { directory: number; rescue: number };
  warnings: PlanWarning[];
  /** The plan's skipped members, tallied per mapping. */
  skippedMembers: SkippedMembers[];
  failures: ActionFailure[];
  safety: SafetyCheck;
  /** Why a `blocked` run waits for a person when it is not the safety threshold (rule 14: a changed configuration). */
  approvalReason?: string;
  /** Set when a licence refusal stopped the run's creates and enables. */
  licenceShortfall?: LicenceShortfall;
  /** What each mapping brings, in priority order (the plan's). */
  pairs?: PairSummary[];
  /** Technician licences the plan needs (creates + enables); Rescue does not say how many are free. */
  licencesNeeded?: number;
  /** rule 13: technicians whose key data was read (getUser_v3) before planning, because nobody knew it. */
  keyDataReads?: number;
}

export function emptyActionCounts(): Record<SyncActionKind, ActionCounts> {
  const zero = (): ActionCounts => ({ planned: 0, succeeded: 0, failed: 0, cancelled: 0, skipped: 0 });
  return { create: zero(), adopt: zero(), update: zero(), enable: zero(), disable: zero() };
}
