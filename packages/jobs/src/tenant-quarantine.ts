// How a tenant whose runs keep failing backs off: its schedule fires 1 h, then 4 h,
// then daily apart, until a run succeeds or a person starts one that does. Shared by the worker (which enters
// and leaves quarantine) and the API (which must keep the quarantine when it re-syncs a schedule on a settings change).
import type { TenantSchedule } from "./producer";

/** Consecutive failed runs from which a tenant is quarantined (a credential failure quarantines at once). */
export const QUARANTINE_AFTER_FAILURES = 3;
/** Schedule interval while quarantined, by how many steps past the threshold the failures are. */
export const QUARANTINE_STEPS_MINUTES = [60, 240, 1440] as const;

/** The interval of the quarantine step reached after `consecutiveFailures` failed runs; null while not quarantined. */
export function quarantineIntervalMinutes(consecutiveFailures: number, needsAttention = false): number | null {
  const first = needsAttention ? 1 : QUARANTINE_AFTER_FAILURES;
  if (consecutiveFailures < first) return null;
  const step = Math.min(consecutiveFailures - first, QUARANTINE_STEPS_MINUTES.length - 1);
  return QUARANTINE_STEPS_MINUTES[step] ?? null;
}

/** The fields of a Tenant row that decide its schedule. */
export interface TenantScheduleSettings {
  id: string;
  scheduleIntervalMinutes: number;
  paused: boolean;
  /** rule 14: null until a person started syncing. */
  activatedAt: Date | null;
  consecutiveFailures: number;
  quarantinedUntil: Date | null;
  attentionReason?: string | null;
}

/**
 * A tenant row's schedule, quarantine included: the API passes this to syncTenantSchedule on a settings change,
 * the worker at start and after each run, so neither undoes the other's back-off.
 */
export function tenantScheduleOf(tenant: TenantScheduleSettings, now = new Date()): TenantSchedule {
  const quarantined = tenant.quarantinedUntil !== null && tenant.quarantinedUntil > now;
  const interval = quarantined
    ? quarantineIntervalMinutes(tenant.consecutiveFailures, Boolean(tenant.attentionReason))
    : null;
  return {
    id: tenant.id,
    scheduleIntervalMinutes: tenant.scheduleIntervalMinutes,
    paused: tenant.paused,
    activated: tenant.activatedAt !== null,
    quarantinedUntil: quarantined ? tenant.quarantinedUntil : null,
    // Never back off to less than the tenant's own interval.
    quarantineIntervalMinutes: interval === null ? null : Math.max(interval, tenant.scheduleIntervalMinutes),
  };
}
