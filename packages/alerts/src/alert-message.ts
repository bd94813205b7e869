// What an alert says: the mail a person reads and the JSON body a webhook receives (docs/alerts.md).
import { ALERT_EVENT_LABELS, type AlertEventKind } from "./events";

export interface StoredAlertEvent {
  id: string;
  tenantId: string;
  kind: string;
  createdAt: Date;
  payload: unknown;
}

interface Payload {
  summary?: string;
  fixPath?: string;
  runId?: string;
  details?: Record<string, unknown>;
}

function payloadOf(event: StoredAlertEvent): Payload {
  return (event.payload ?? {}) as Payload;
}

export function alertLabel(kind: string): string {
  if (kind === "test") return "Test alert";
  return ALERT_EVENT_LABELS[kind as AlertEventKind] ?? kind;
}

function absolute(portalUrl: string, path: string | undefined): string {
  return `${portalUrl.replace(/\/+$/, "")}${path ?? "/"}`;
}

/** The webhook's JSON body (also what the test endpoint receives). */
export function webhookBody(event: StoredAlertEvent, tenant: { id: string; name: string }, portalUrl: string): string {
  const payload = payloadOf(event);
  return JSON.stringify({
    id: event.id,
    type: event.kind,
    createdAt: event.createdAt.toISOString(),
    tenant: { id: tenant.id, name: tenant.name },
    data: {
      title: alertLabel(event.kind),
      summary: payload.summary ?? "",
      url: absolute(portalUrl, payload.fixPath),
      ...(payload.runId ? { runId: payload.runId } : {}),
      ...(payload.details ? { details: payload.details } : {}),
    },
  });
}

/** The alert mail: plain words, the link to where it is fixed, and where to change who gets it. */
export function alertMail(
  event: StoredAlertEvent,
  tenant: { id: string; name: string },
  portalUrl: string,
): { subject: string; text: string } {
  const payload = payloadOf(event);
  const lines = [
    `${tenant.name}: ${alertLabel(event.kind)}.`,
    "",
    payload.summary ?? "",
    "",
    `Open it in TechSync: ${absolute(portalUrl, payload.fixPath)}`,
  ];
  const details = Object.entries(payload.details ?? {}).filter(([, v]) => v !== null && v !== undefined);
  if (details.length > 0) lines.push("", ...details.map(([key, value]) => `${key}: ${String(value)}`));
  lines.push(
    "",
    `You get this mail because of the alert settings of ${tenant.name}; change them here: ${absolute(portalUrl, `/t/${tenant.id}/alerts`)}`,
  );
  return { subject: `[TechSync] ${tenant.name}: ${alertLabel(event.kind)}`, text: lines.join("\n") };
}
