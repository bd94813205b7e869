export * from "./definitions";
export * from "./incremental-runs";
export * from "./producer";
export * from "./tenant-quarantine";
