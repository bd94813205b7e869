// Which of a POST's change notifications are genuine: each must name a subscription we hold and carry its
// clientState (compared in constant time). Unknown subscriptions are ignored (one we deleted may still be
// delivering); a wrong clientState is dropped and logged, without either secret.
import { createHash, timingSafeEqual } from "node:crypto";
import { SECRET_FIELDS, tenantDataKey } from "@techsync/db";
import type { FastifyBaseLogger } from "fastify";
import { z } from "zod";
import type { ApiDeps } from "../../api-deps";

/** The fields of a change or lifecycle notification this API reads; the rest is Graph's and passes untouched. */
const ZNotification = z.looseObject({
  subscriptionId: z.string().min(1).max(200),
  clientState: z.string().max(256).optional(),
  lifecycleEvent: z.string().max(100).optional(),
});
export type GraphNotification = z.infer<typeof ZNotification>;

export interface VerifiedNotification extends GraphNotification {
  tenantId: string;
  /** rule 14 and pausing: whether the tenant may run automatically now. */
  mayRun: boolean;
}

function sameSecret(a: string, b: string): boolean {
  // Digests have equal length, so timingSafeEqual applies whatever the lengths of what was sent.
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(a), digest(b));
}

export async function verifyNotifications(
  deps: Pick<ApiDeps, "prisma" | "secretBox">,
  log: FastifyBaseLogger,
  items: readonly unknown[],
): Promise<VerifiedNotification[]> {
  const notifications = items.flatMap((item) => {
    const parsed = ZNotification.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
  if (notifications.length === 0) return [];
  const rows = await deps.prisma.graphSubscription.findMany({
    where: { subscriptionId: { in: [...new Set(notifications.map((notification) => notification.subscriptionId))] } },
    include: {
      tenant: { select: { dataKeyWrapped: true, dataKeyMasterKeyId: true, activatedAt: true, paused: true } },
    },
  });
  const secrets = new Map<string, { tenantId: string; clientState: string; mayRun: boolean }>();
  for (const row of rows) {
    secrets.set(row.subscriptionId, {
      tenantId: row.tenantId,
      clientState: deps.secretBox.decrypt(
        row.tenantId,
        tenantDataKey(row.tenant),
        SECRET_FIELDS.graphClientState,
        row.clientStateEnc,
      ),
      mayRun: row.tenant.activatedAt !== null && !row.tenant.paused,
    });
  }
  const verified: VerifiedNotification[] = [];
  for (const notification of notifications) {
    const known = secrets.get(notification.subscriptionId);
    if (!known) continue;
    if (notification.clientState === undefined || !sameSecret(notification.clientState, known.clientState)) {
      log.warn(
        { subscriptionId: notification.subscriptionId, tenantId: known.tenantId },
        "Graph notification dropped: its clientState does not match the subscription's",
      );
      continue;
    }
    verified.push({ ...notification, tenantId: known.tenantId, mayRun: known.mayRun });
  }
  return verified;
}
