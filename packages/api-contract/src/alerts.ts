// Alert settings (docs/alerts.md): which events the tenant's owners, extra addresses and webhooks get, the
// webhooks (the signing secret is in the creation answer only) and the delivery log.
import { z } from "zod";
import { ZEmail, ZIsoDate, ZTenantParams } from "./common";

export const ALERT_EVENT_KINDS = [
  "run_blocked",
  "run_failed",
  "tenant_quarantined",
  "credential_rejected",
  "entra_secret_expiring",
  "run_succeeded",
] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];
export const ZAlertEventKind = z.enum(ALERT_EVENT_KINDS, { message: "Choose events from the list." });

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

/** A set of events as people choose them: known kinds, each once, in a fixed order. */
export const ZAlertEventSet = z
  .array(ZAlertEventKind)
  .max(ALERT_EVENT_KINDS.length * 2)
  .transform((events) => ALERT_EVENT_KINDS.filter((kind) => events.includes(kind)));

export const ZAlertRecipient = z.object({ id: z.uuid(), email: z.string(), events: z.array(ZAlertEventKind) });
export const ZAlertWebhook = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(ZAlertEventKind),
  createdAt: ZIsoDate,
});
export type AlertWebhookView = z.infer<typeof ZAlertWebhook>;

export const ZAlertSettings = z.object({
  owners: z.object({ emails: z.array(z.string()), events: z.array(ZAlertEventKind) }),
  recipients: z.array(ZAlertRecipient),
  webhooks: z.array(ZAlertWebhook),
  /** False when the operator configured no mail server: email alerts cannot be sent. */
  mailConfigured: z.boolean(),
});
export type AlertSettings = z.infer<typeof ZAlertSettings>;

export const ZUpdateOwnerAlertsBody = z.strictObject({ events: ZAlertEventSet });
export const ZAddAlertRecipientBody = z.strictObject({ email: ZEmail, events: ZAlertEventSet });
export const ZCreateAlertWebhookBody = z.strictObject({
  url: z.string().trim().min(1).max(2000),
  events: ZAlertEventSet,
});
export const ZCreatedAlertWebhook = z.object({
  webhook: ZAlertWebhook,
  signingSecret: z.string().describe("Shown this once only: receivers verify signatures with it"),
});
export const ZAlertRecipientParams = ZTenantParams.extend({ recipientId: z.uuid() });
export const ZAlertWebhookParams = ZTenantParams.extend({ webhookId: z.uuid() });

export const ZAlertDeliveryAttempt = z.object({
  id: z.string(),
  at: ZIsoDate,
  event: z.string(),
  channel: z.enum(["email", "webhook"]),
  target: z.string(),
  ok: z.boolean(),
  statusCode: z.number().int().nullable(),
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable(),
});
export type AlertDeliveryAttemptView = z.infer<typeof ZAlertDeliveryAttempt>;
export const ZAlertDeliveriesReply = z.object({ attempts: z.array(ZAlertDeliveryAttempt) });
export const ZSentTestAlert = z.object({ queued: z.number().int() });
