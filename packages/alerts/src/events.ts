// The events a tenant can be alerted about, their names in words, and who gets which by default.
// Kinds are stored as text (alert_events.kind, recipients' and webhooks' `events`), so they never change name.
import { z } from "zod";

export const ALERT_EVENT_KINDS = [
  "run_blocked",
  "run_failed",
  "tenant_quarantined",
  "credential_rejected",
  "entra_secret_expiring",
  "run_succeeded",
] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];
export const ZAlertEventKind = z.enum(ALERT_EVENT_KINDS);

/** What each event is called on the alerts page and in mail subjects. */
export const ALERT_EVENT_LABELS: Record<AlertEventKind, string> = {
  run_blocked: "A run was blocked by the safety threshold",
  run_failed: "A run failed",
  tenant_quarantined: "Scheduled runs were paused after repeated failures",
  credential_rejected: "Rescue or Entra refused the stored credential",
  entra_secret_expiring: "The Entra client secret expires within 30 days",
  run_succeeded: "A run succeeded (every run)",
};

/** Every event except "every successful run", which is off unless chosen. */
export const DEFAULT_ALERT_EVENTS: readonly AlertEventKind[] = ALERT_EVENT_KINDS.filter((k) => k !== "run_succeeded");

/** A set of events as people choose them: known kinds, each once. */
export const ZAlertEventSet = z
  .array(ZAlertEventKind, { message: "Choose events from the list." })
  .max(ALERT_EVENT_KINDS.length)
  .transform((events) => ALERT_EVENT_KINDS.filter((kind) => events.includes(kind)));

/** What an event says; the webhook body's `data` and the mail's facts. */
export interface AlertEventData {
  /** One sentence in words: what happened. */
  summary: string;
  /** Where a person fixes it (a portal path such as /t/<tenantId>/runs/<runId>). */
  fixPath: string;
  runId?: string;
  /** Extra facts (the run's error, the expiry date), all plain values. */
  details?: Record<string, string | number | boolean | null>;
}

export interface RaisedAlertEvent extends AlertEventData {
  tenantId: string;
  kind: AlertEventKind;
  /** Unique per tenant: the same key raised twice is one event (a retried job alerts once). */
  dedupeKey: string;
}
