import type { Prisma } from "@techsync/db";
import { SSO_ID_SOURCES } from "@techsync/sync-core";
import { z } from "zod";
import { isoOrNull, ZIsoDate, ZName, ZSecret } from "../common.types";
import { ZRun } from "../runs/run-view";

/** sync-core's AttributeSource: where a technician field's value comes from, first non-empty wins. */
const ATTRIBUTE_SOURCES = [
  "displayName",
  "givenName",
  "surname",
  "mail",
  "userPrincipalName",
  "mailLocalPart",
  "userPrincipalNameLocalPart",
  "employeeId",
] as const;
const ZAttributeSources = z.array(z.enum(ATTRIBUTE_SOURCES)).min(1).max(ATTRIBUTE_SOURCES.length);
export const ZAttributeMapping = z.strictObject({
  name: ZAttributeSources.optional(),
  nick: ZAttributeSources.optional(),
  email: ZAttributeSources.optional(),
  ssoId: ZAttributeSources.optional(),
});

/** rule 16: who owns a technician's SSO id; "rescue" keeps every non-empty SSO id Rescue holds. */
export const ZSsoIdSource = z.enum(SSO_ID_SOURCES);

export const ZSafetyThreshold = z.strictObject({
  percent: z.number().int().min(0).max(100),
  minimum: z.number().int().min(0).max(1_000_000),
});

export const ZTenantSettings = z.object({
  id: z.uuid(),
  name: z.string(),
  scheduleIntervalMinutes: z.number().int(),
  paused: z.boolean(),
  sandboxMode: z.boolean(),
  safetyThreshold: z.object({ percent: z.number().int(), minimum: z.number().int() }),
  attributeMapping: ZAttributeMapping.nullable(),
  /** Provision guest users of mapped groups too (off: they are skipped, and each run's plan says so). */
  includeGuests: z.boolean(),
  ssoIdSource: ZSsoIdSource,
  hasDefaultPassword: z.boolean(),
  attentionReason: z.string().nullable(),
  quarantinedUntil: ZIsoDate.nullable(),
  nextRunAt: ZIsoDate.nullable().optional(),
  createdAt: ZIsoDate,
});
export type TenantSettings = z.infer<typeof ZTenantSettings>;

export const ZCreateTenantBody = z.strictObject({ name: ZName });

export const ZUpdateTenantBody = z
  .strictObject({
    name: ZName.optional(),
    scheduleIntervalMinutes: z.number().int().min(5).max(1440).optional(),
    paused: z.boolean().optional(),
    sandboxMode: z.boolean().optional(),
    safetyThreshold: ZSafetyThreshold.optional(),
    /** null returns to sync-core's defaults. */
    attributeMapping: ZAttributeMapping.nullable().optional(),
    includeGuests: z.boolean().optional(),
    /** rule 16: "entra" lets runs overwrite SSO ids Rescue holds; "rescue" (default) keeps them. */
    ssoIdSource: ZSsoIdSource.optional(),
    /** Write-only: answered as hasDefaultPassword. */
    defaultPassword: ZSecret.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "send at least one field to change");
export type UpdateTenantBody = z.infer<typeof ZUpdateTenantBody>;

export const ZTenantSummary = z.object({
  lastRun: ZRun.nullable(),
  nextRunAt: ZIsoDate.nullable(),
  linkedTechnicians: z.number().int(),
  recentRuns: z.array(
    z.object({
      id: z.uuid(),
      status: ZRun.shape.status,
      dryRun: z.boolean(),
      queuedAt: ZIsoDate,
      finishedAt: ZIsoDate.nullable(),
      counts: z.unknown().nullable(),
    }),
  ),
});

export function tenantSettingsView(tenant: Prisma.TenantModel, nextRunAt?: Date | null): TenantSettings {
  const attributeMapping = ZAttributeMapping.safeParse(tenant.attributeMapping);
  return {
    id: tenant.id,
    name: tenant.name,
    scheduleIntervalMinutes: tenant.scheduleIntervalMinutes,
    paused: tenant.paused,
    sandboxMode: tenant.sandboxMode,
    safetyThreshold: { percent: tenant.safetyThresholdPercent, minimum: tenant.safetyThresholdMinimum },
    attributeMapping: attributeMapping.success ? attributeMapping.data : null,
    includeGuests: tenant.includeGuests,
    ssoIdSource: tenant.ssoIdSource,
    hasDefaultPassword: tenant.defaultPasswordEnc !== null,
    attentionReason: tenant.attentionReason,
    quarantinedUntil: isoOrNull(tenant.quarantinedUntil),
    ...(nextRunAt === undefined ? {} : { nextRunAt: isoOrNull(nextRunAt) }),
    createdAt: tenant.createdAt.toISOString(),
  };
}
