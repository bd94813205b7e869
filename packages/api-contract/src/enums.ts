// The API's vocabularies, defined once: the API validates with them, the portal and the worker import them.
import { SYNC_ACTION_KINDS } from "@techsync/sync-core";
import { z } from "zod";

/** A member's role in a tenant, strongest first. */
export const ROLES = ["owner", "admin", "viewer"] as const;
export const ZRole = z.enum(ROLES);
export type Role = z.infer<typeof ZRole>;

export const RUN_STATUSES = [
  "queued",
  "running",
  "succeeded",
  "partial",
  "failed",
  "blocked",
  "cancelled",
  "interrupted",
] as const;
export const ZRunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof ZRunStatus>;
/** Statuses after which a run changes no more until a person acts (blocked waits for approval). */
export const SETTLED_RUN_STATUSES: readonly RunStatus[] = [
  "succeeded",
  "partial",
  "failed",
  "blocked",
  "cancelled",
  "interrupted",
];

export const RUN_TRIGGERS = ["schedule", "portal", "api", "notification"] as const;
export const ZRunTrigger = z.enum(RUN_TRIGGERS);
export type RunTrigger = z.infer<typeof ZRunTrigger>;

/** The engine's action kinds: one list, so the API never names a kind the planner cannot make. */
export const ACTION_KINDS = SYNC_ACTION_KINDS;
export const ZActionKind = z.enum(ACTION_KINDS);
export type ActionKind = z.infer<typeof ZActionKind>;

export const ACTION_STATUSES = ["planned", "succeeded", "failed", "skipped"] as const;
export const ZActionStatus = z.enum(ACTION_STATUSES);
export type ActionStatus = z.infer<typeof ZActionStatus>;

/** Log levels, quietest first (a level filter is a floor in this order). */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export const ZLogLevel = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof ZLogLevel>;

export const API_KEY_SCOPES = ["read", "write", "run"] as const;
export const ZApiKeyScope = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ZApiKeyScope>;
