// rule 14: one stable hash of everything that changes what a run plans, so "the preview a person saw" and "the
// configuration a run loaded" can be compared. The API computes it for "Start syncing" and the worker for each run
// (recorded on the run row); both go through this one function.
import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "@techsync/db";
import type { MappingConditions } from "@techsync/sync-core";
import { storedConditionsOf } from "./mapping-conditions";
import { notifyRunEvent } from "./run-events";

/** The rows a fingerprint is made of, as loaded from the database. */
export interface ConfigFingerprintSource {
  tenant: Pick<Prisma.TenantModel, "attributeMapping" | "includeGuests" | "ssoIdSource" | "sandboxMode">;
  rescueConnection: Pick<Prisma.RescueConnectionModel, "email" | "region" | "passwordEnc" | "apiTokenEnc"> | null;
  entraConnection: Pick<Prisma.EntraConnectionModel, "directoryId" | "clientId" | "cloud" | "clientSecretEnc"> | null;
  mappings: readonly (Pick<
    Prisma.GroupMappingModel,
    "entraGroupId" | "rescueGroupId" | "priority" | "transitive" | "filterAttribute" | "filterOperator" | "filterValue"
  > &
    Partial<Pick<Prisma.GroupMappingModel, "conditions">>)[];
}

/**
 * Sealed secrets change only when a secret is saved again (a fresh nonce each time; a master key rotation re-wraps
 * the data key and leaves them as they are), so a digest of the ciphertext says "the credentials changed" without
 * the fingerprint carrying anything of the secret.
 */
function sealedVersion(ciphertext: string): string {
  return ciphertext === "" ? "" : createHash("sha256").update(ciphertext).digest("hex").slice(0, 16);
}

/** JSON with object keys sorted at every level, so the same configuration always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * A single include condition keeps the older `filter` form, so a pair whose filter was only moved to the conditions
 * column (the migration's backfill) keeps its fingerprint and nobody is asked to preview again for nothing.
 */
function conditionsPart(conditions: MappingConditions | null): { filter: unknown; conditions?: unknown } {
  if (!conditions) return { filter: null };
  const [only] = conditions.conditions;
  if (conditions.conditions.length === 1 && only && only.mode === "include") {
    return { filter: [only.attribute, only.operator, only.value] };
  }
  return { filter: null, conditions };
}

/**
 * What changes a plan: the mappings (whatever their order or ids: deleting a pair and adding it again is the same
 * configuration), the connections' identities and credential versions, and the plan-affecting settings. Not the
 * schedule, the safety threshold or the names shown beside ids (renaming a group changes no plan).
 */
export function configFingerprint(source: ConfigFingerprintSource): string {
  const { tenant, rescueConnection: rescue, entraConnection: entra } = source;
  const mappings = source.mappings
    .map((m) => ({
      entraGroupId: m.entraGroupId.toLowerCase(),
      rescueGroupId: m.rescueGroupId,
      priority: m.priority,
      transitive: m.transitive,
      ...conditionsPart(storedConditionsOf(m)),
    }))
    .map(canonical)
    .sort();
  const configuration = {
    v: 1,
    mappings,
    rescue: rescue
      ? {
          email: rescue.email.toLowerCase(),
          region: rescue.region,
          apiToken: sealedVersion(rescue.apiTokenEnc),
          password: sealedVersion(rescue.passwordEnc),
        }
      : null,
    entra: entra
      ? {
          directoryId: entra.directoryId.toLowerCase(),
          clientId: entra.clientId.toLowerCase(),
          cloud: entra.cloud,
          clientSecret: sealedVersion(entra.clientSecretEnc),
        }
      : null,
    settings: {
      attributeMapping: tenant.attributeMapping ?? {},
      includeGuests: tenant.includeGuests,
      ssoIdSource: tenant.ssoIdSource,
      sandboxMode: tenant.sandboxMode,
    },
  };
  return createHash("sha256").update(canonical(configuration)).digest("hex");
}

/** The tenant's current configuration fingerprint, read in the caller's transaction; null when it does not exist. */
export async function loadConfigFingerprint(
  tx: Prisma.TransactionClient | PrismaClient,
  tenantId: string,
): Promise<string | null> {
  const [tenant, mappings] = await Promise.all([
    tx.tenant.findUnique({ where: { id: tenantId }, include: { rescueConnection: true, entraConnection: true } }),
    tx.groupMapping.findMany({ where: { tenantId } }),
  ]);
  if (!tenant) return null;
  return configFingerprint({
    tenant,
    rescueConnection: tenant.rescueConnection,
    entraConnection: tenant.entraConnection,
    mappings,
  });
}

/**
 * The worker notes on the run the fingerprint of the configuration it loaded (only while it still holds the run),
 * so "Start syncing" can tell whether the last preview was of the configuration as it is now.
 */
export async function recordRunConfigFingerprint(
  prisma: PrismaClient,
  run: { id: string; tenantId: string },
  holder: { owner: string },
  fingerprint: string,
): Promise<void> {
  await prisma.$transaction([
    prisma.syncRun.updateMany({
      where: { id: run.id, leaseOwner: holder.owner, status: "running" },
      data: { configFingerprint: fingerprint },
    }),
    notifyRunEvent(prisma, { runId: run.id, tenantId: run.tenantId, change: "progress" }),
  ]);
}

/**
 * rule 14: a person has seen what this configuration does (its preview succeeded, syncing started from it, a run of
 * it was approved, or a run of it went through without disabling anyone unseen): its real runs no longer ask first.
 */
export async function acknowledgeConfigFingerprint(
  tx: Prisma.TransactionClient | PrismaClient,
  tenantId: string,
  fingerprint: string,
): Promise<void> {
  await tx.tenant.updateMany({ where: { id: tenantId }, data: { acknowledgedConfigFingerprint: fingerprint } });
}
