// Tenant schemas are the API contract's; this maps a tenant row to its settings view.
import { type TenantSettings, ZAttributeMapping } from "@techsync/api-contract";
import type { Prisma } from "@techsync/db";
import { isoOrNull } from "../common.types";

export type {
  TenantSettings,
  UpdateTenantBody,
} from "@techsync/api-contract";
export {
  ZAttributeMapping,
  ZCreateTenantBody,
  ZSafetyThreshold,
  ZSsoIdSource,
  ZTenantSettings,
  ZTenantSummary,
  ZUpdateTenantBody,
} from "@techsync/api-contract";

export function tenantSettingsView(tenant: Prisma.TenantModel, nextRunAt?: Date | null): TenantSettings {
  const attributeMapping = ZAttributeMapping.safeParse(tenant.attributeMapping);
  return {
    id: tenant.id,
    name: tenant.name,
    scheduleIntervalMinutes: tenant.scheduleIntervalMinutes,
    fullReconcileMinutes: tenant.fullReconcileMinutes,
    paused: tenant.paused,
    sandboxMode: tenant.sandboxMode,
    safetyThreshold: { percent: tenant.safetyThresholdPercent, minimum: tenant.safetyThresholdMinimum },
    attributeMapping: attributeMapping.success ? attributeMapping.data : null,
    includeGuests: tenant.includeGuests,
    ssoIdSource: tenant.ssoIdSource,
    hasDefaultPassword: tenant.defaultPasswordEnc !== null,
    attentionReason: tenant.attentionReason,
    attentionRunId: tenant.attentionRunId,
    quarantinedUntil: isoOrNull(tenant.quarantinedUntil),
    // rule 14: nothing is scheduled before a person started syncing, whatever Redis still holds.
    ...(nextRunAt === undefined ? {} : { nextRunAt: tenant.activatedAt ? isoOrNull(nextRunAt) : null }),
    activatedAt: isoOrNull(tenant.activatedAt),
    createdAt: tenant.createdAt.toISOString(),
  };
}
