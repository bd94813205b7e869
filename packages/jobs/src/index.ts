export * from "./definitions";
export * from "./producer";
export * from "./tenant-quarantine";
