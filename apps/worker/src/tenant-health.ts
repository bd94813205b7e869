// A tenant's run health: consecutive failures, "needs attention", quarantine. The schedule follows it
// through tenantScheduleOf, so a quarantined tenant's scheduler backs off 1 h → 4 h → daily.
import type { PrismaClient } from "@techsync/db";
import { quarantineIntervalMinutes, type TenantScheduleSettings } from "@techsync/jobs";

const SCHEDULE_FIELDS = {
  id: true,
  scheduleIntervalMinutes: true,
  paused: true,
  activatedAt: true,
  consecutiveFailures: true,
  quarantinedUntil: true,
  attentionReason: true,
} as const;

/**
 * A run went through (succeeded, partial, blocked or dry): the tenant is healthy again. Returns its schedule
 * settings when a quarantine was lifted (the scheduler must go back to the tenant's own interval), else null.
 */
export async function recordTenantRunSuccess(
  prisma: PrismaClient,
  tenantId: string,
): Promise<TenantScheduleSettings | null> {
  const before = await prisma.tenant.findUnique({ where: { id: tenantId }, select: SCHEDULE_FIELDS });
  if (!before) return null;
  if (before.consecutiveFailures === 0 && !before.attentionReason && !before.quarantinedUntil) return null;
  const after = await prisma.tenant.update({
    where: { id: tenantId },
    data: { consecutiveFailures: 0, attentionReason: null, quarantinedUntil: null },
    select: SCHEDULE_FIELDS,
  });
  return before.quarantinedUntil ? after : null;
}

/**
 * A run failed. `attention` is what a person must fix (credentials, consent, configuration): it is shown on the
 * tenant and quarantines it at once, since retrying a refused secret every few minutes only adds noise (and
 * Entra lockouts). Transient failures quarantine from the third in a row. Returns the settings to reschedule with.
 */
export async function recordTenantRunFailure(
  prisma: PrismaClient,
  tenantId: string,
  attention: string | null,
  now = new Date(),
): Promise<TenantScheduleSettings | null> {
  const tenant = await prisma.tenant.findUnique({ where: { id: tenantId }, select: { consecutiveFailures: true } });
  if (!tenant) return null;
  const failures = tenant.consecutiveFailures + 1;
  const interval = quarantineIntervalMinutes(failures, attention !== null);
  return prisma.tenant.update({
    where: { id: tenantId },
    data: {
      consecutiveFailures: failures,
      ...(attention !== null ? { attentionReason: attention } : {}),
      quarantinedUntil: interval === null ? null : new Date(now.getTime() + interval * 60_000),
    },
    select: SCHEDULE_FIELDS,
  });
}
