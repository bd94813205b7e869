export {
  ASP_NET_FORM_LIMITS,
  type BulkCreateCapability,
  type BulkCreateKnowledge,
  type CreatePathStats,
  describeCreatePath,
  type FormLimits,
  planFormBatches,
  UNKNOWN_BULK_CREATE,
} from "./bulk-create";
export {
  loginVerdictOf,
  type RescueConnectionResult,
  type RescueConnectionTest,
  type RescueCredentialCheck,
} from "./connection-test";
export { checkDefaultPassword } from "./default-password";
export {
  createRescueClient,
  DEFAULT_CONCURRENCY,
  DEFAULT_CREATE_BATCH,
  DEFAULT_RESCUE_BASE_URL,
  type RescueAccount,
  RescueClient,
  type RescueClientOptions,
  type RescueUser,
} from "./rescue-client";
export { RescueError, rescueErrorForCode } from "./rescue-error";
export { nodeKindOf, technicianStatusOf } from "./rescue-node";
export { type PlainTextReply, parsePlainTextReply } from "./wire/plain-text";
