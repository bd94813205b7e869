export * from "./approve-run";
export * from "./create-run";
