export * from "./advisory-lock";
export * from "./client";
export * from "./database-unavailable";
export * from "./generated/prisma/enums";
export * from "./migrator";
export * from "./secret-box";
export * from "./tenant-secrets";
