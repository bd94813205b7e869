// The events a tenant can be alerted about (their kinds and names are the API contract's), and what a raised
// event carries. Kinds are stored as text (alert_events.kind, recipients' and webhooks' `events`): never renamed.
import type { AlertEventKind } from "@techsync/api-contract";

export {
  ALERT_EVENT_KINDS,
  ALERT_EVENT_LABELS,
  type AlertEventKind,
  DEFAULT_ALERT_EVENTS,
  ZAlertEventKind,
  ZAlertEventSet,
} from "@techsync/api-contract";

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
