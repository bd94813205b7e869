export * from "./domain";
export * from "./ports";
