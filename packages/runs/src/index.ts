export * from "./approve-run";
export * from "./create-run";
export * from "./database-run-recorder";
export * from "./run-event-listener";
export * from "./run-events";
export * from "./run-pages";
