// Raising an alert: the event is recorded once per (tenant, dedupe key), one delivery per recipient is recorded
// once per (event, channel, target), and each pending delivery is queued under its own id. Raising the same event
// again (a retried job, a second worker) records nothing new and queues nothing twice.
import type { PrismaClient } from "@techsync/db";
import { type AlertQueue, enqueueAlertDelivery } from "./alert-queue";
import type { AlertEventKind, RaisedAlertEvent } from "./events";

export interface RaiseAlertDeps {
  prisma: PrismaClient;
  queue: AlertQueue;
}

export interface AlertRecipients {
  emails: string[];
  webhooks: { id: string; url: string }[];
}

/** Who gets an event of this kind: the owners (if they get it), extra addresses and webhooks that chose it. */
export async function recipientsFor(
  prisma: PrismaClient,
  tenantId: string,
  kind: AlertEventKind,
): Promise<AlertRecipients> {
  const tenant = await prisma.tenant.findUnique({
    where: { id: tenantId },
    select: {
      ownerAlertEvents: true,
      memberships: { where: { role: "owner" }, select: { portalUser: { select: { email: true } } } },
      alertEmailRecipients: { where: { events: { has: kind } }, select: { email: true } },
      alertWebhooks: { where: { events: { has: kind } }, select: { id: true, url: true } },
    },
  });
  if (!tenant) return { emails: [], webhooks: [] };
  const emails = new Map<string, string>();
  const add = (email: string) => emails.set(email.toLowerCase(), emails.get(email.toLowerCase()) ?? email);
  if (tenant.ownerAlertEvents.includes(kind)) for (const m of tenant.memberships) add(m.portalUser.email);
  for (const r of tenant.alertEmailRecipients) add(r.email);
  return { emails: [...emails.values()], webhooks: tenant.alertWebhooks };
}

export interface RaiseOptions {
  /** Deliver to these only (the "Send test" button), instead of the event's recipients. */
  only?: AlertRecipients;
}

/** Records the event (once) and its deliveries (once each), and queues the pending ones. Returns the event's id. */
export async function raiseAlert(
  deps: RaiseAlertDeps,
  event: Omit<RaisedAlertEvent, "kind"> & { kind: AlertEventKind | "test" },
  options: RaiseOptions = {},
): Promise<{ eventId: string; deliveries: number }> {
  const { prisma } = deps;
  const { tenantId, kind, dedupeKey, ...data } = event;
  const payload = JSON.parse(JSON.stringify(data));
  const stored = await prisma.alertEvent.upsert({
    where: { tenantId_dedupeKey: { tenantId, dedupeKey } },
    create: { tenantId, kind, dedupeKey, payload },
    update: {},
    select: { id: true },
  });
  const recipients =
    options.only ?? (kind === "test" ? { emails: [], webhooks: [] } : await recipientsFor(prisma, tenantId, kind));
  await prisma.alertDelivery.createMany({
    data: [
      ...recipients.emails.map((email) => ({ tenantId, eventId: stored.id, channel: "email", target: email })),
      ...recipients.webhooks.map((w) => ({
        tenantId,
        eventId: stored.id,
        channel: "webhook",
        target: w.url,
        webhookId: w.id,
      })),
    ],
    skipDuplicates: true,
  });
  const pending = await prisma.alertDelivery.findMany({
    where: { eventId: stored.id, status: "pending" },
    select: { id: true },
  });
  for (const delivery of pending) await enqueueAlertDelivery(deps.queue, delivery.id);
  return { eventId: stored.id, deliveries: pending.length };
}
