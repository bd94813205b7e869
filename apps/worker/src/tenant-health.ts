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
 * The warning that a run was blocked (rule 11) is lifted only by a real run that was not blocked: a dry run applies
 * nothing, so the cause is still there; a blocked run sets it (`blockedRunId`).
 */
export async function recordTenantRunSuccess(
  prisma: PrismaClient,
  tenantId: string,
  run: { dryRun: boolean; blockedRunId?: string } = { dryRun: false },
): Promise<TenantScheduleSettings | null> {
  const before = await prisma.tenant.findUnique({
    where: { id: tenantId },
    select: { ...SCHEDULE_FIELDS, attentionRunId: true },
  });
  if (!before) return null;
  const keepsBlockedWarning = run.dryRun && before.attentionRunId !== null;
  const attention = run.blockedRunId
    ? { attentionReason: blockedRunAttention, attentionRunId: run.blockedRunId }
    : keepsBlockedWarning
      ? {}
      : { attentionReason: null, attentionRunId: null };
  const unchanged =
    before.consecutiveFailures === 0 &&
    !before.quarantinedUntil &&
    (keepsBlockedWarning || (run.blockedRunId ? before.attentionRunId === run.blockedRunId : !before.attentionReason));
  if (unchanged) return null;
  const after = await prisma.tenant.update({
    where: { id: tenantId },
    data: { consecutiveFailures: 0, quarantinedUntil: null, ...attention },
    select: SCHEDULE_FIELDS,
  });
  return before.quarantinedUntil ? after : null;
}

/** What the tenant shows while its last real run was blocked, until a real run is not. */
export const blockedRunAttention =
  "A run was stopped by the safety threshold: review what it would disable, then approve or dismiss it.";

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
      ...(attention !== null ? { attentionReason: attention, attentionRunId: null } : {}),
      quarantinedUntil: interval === null ? null : new Date(now.getTime() + interval * 60_000),
    },
    select: SCHEDULE_FIELDS,
  });
}
