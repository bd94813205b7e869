// The /v1 API's contract: request and response schemas, their inferred types, and the shared vocabularies.

export * from "./activity";
export * from "./alerts";
export * from "./common";
export * from "./connections";
export * from "./entra-users";
export * from "./enums";
export * from "./people";
export * from "./runs";
export * from "./tenants";
