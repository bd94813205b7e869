// rule 14's schemas are the API contract's.
export type { Activation, StartSyncingReply } from "@techsync/api-contract";
export { ZActivation, ZStartSyncingReply } from "@techsync/api-contract";
