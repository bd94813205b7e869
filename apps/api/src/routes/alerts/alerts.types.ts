// Alert schemas are the API contract's; this maps stored rows to their views (never a signing secret).
import type { AlertEventKind, AlertWebhookView } from "@techsync/api-contract";
import { ALERT_EVENT_KINDS } from "@techsync/api-contract";
import type { Prisma } from "@techsync/db";

export {
  ZAddAlertRecipientBody,
  ZAlertDeliveriesReply,
  ZAlertRecipient,
  ZAlertRecipientParams,
  ZAlertSettings,
  ZAlertWebhookParams,
  ZCreateAlertWebhookBody,
  ZCreatedAlertWebhook,
  ZSentTestAlert,
  ZUpdateOwnerAlertsBody,
} from "@techsync/api-contract";

/** Stored kinds this version knows (a kind removed later is dropped from views, never shown raw). */
export function knownEvents(events: readonly string[]): AlertEventKind[] {
  return ALERT_EVENT_KINDS.filter((kind) => events.includes(kind));
}

export function alertWebhookView(row: Prisma.AlertWebhookModel): AlertWebhookView {
  return { id: row.id, url: row.url, events: knownEvents(row.events), createdAt: row.createdAt.toISOString() };
}
