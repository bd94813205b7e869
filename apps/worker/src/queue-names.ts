/** The BullMQ queue of sync runs: the API enqueues, the worker consumes (STYLE.md 10). */
export const SYNC_QUEUE = "sync-runs";
