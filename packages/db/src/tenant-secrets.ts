// Reading and writing a tenant's secrets through the secret box. The field names are the AAD that
// binds each ciphertext to its column: always go through these helpers, never encrypt ad hoc.
import type { PrismaClient } from "./client";
import type { BulkCreateCapability } from "./generated/prisma/enums";
import type { SecretBox, WrappedDataKey } from "./secret-box";

export const SECRET_FIELDS = {
  defaultPassword: "tenant.defaultPassword",
  rescuePassword: "rescue.password",
  rescueServiceToken: "rescue.serviceToken",
  entraClientSecret: "entra.clientSecret",
} as const;
export type SecretField = (typeof SECRET_FIELDS)[keyof typeof SECRET_FIELDS];

export function tenantDataKey(tenant: { dataKeyWrapped: string; dataKeyMasterKeyId: string }): WrappedDataKey {
  return { wrapped: tenant.dataKeyWrapped, masterKeyId: tenant.dataKeyMasterKeyId };
}

export class TenantNotConnectedError extends Error {
  constructor(
    readonly tenantId: string,
    readonly missing: "rescue" | "entra" | "defaultPassword" | "tenant",
  ) {
    const what = {
      tenant: "does not exist",
      rescue: "has no Rescue connection yet",
      entra: "has no Entra connection yet",
      defaultPassword: "has no default password for new technicians yet",
    }[missing];
    super(`Tenant ${tenantId} ${what}.`);
    this.name = "TenantNotConnectedError";
  }
}

/** Everything a run (or a connection test) needs to talk to Rescue and Entra, decrypted. */
export interface TenantSyncConfig {
  tenantId: string;
  sandboxMode: boolean;
  defaultPassword: string | null;
  rescue: {
    baseUrl: string;
    email: string;
    password: string;
    serviceToken: string;
    /** What earlier runs learned about Rescue's bulk createUsers for this connection. */
    bulkCreate: { capability: BulkCreateCapability; reason: string | null; checkedAt: Date | null };
  } | null;
  entra: {
    directoryId: string;
    clientId: string;
    clientSecret: string;
    authorityHost: string | null;
    graphBaseUrl: string | null;
  } | null;
}

export async function loadTenantSyncConfig(
  deps: { prisma: PrismaClient; secretBox: SecretBox },
  tenantId: string,
): Promise<TenantSyncConfig> {
  const tenant = await deps.prisma.tenant.findUnique({
    where: { id: tenantId },
    include: { rescueConnection: true, entraConnection: true },
  });
  if (!tenant) throw new TenantNotConnectedError(tenantId, "tenant");
  const key = tenantDataKey(tenant);
  const open = (field: SecretField, ciphertext: string) => deps.secretBox.decrypt(tenantId, key, field, ciphertext);
  const r = tenant.rescueConnection;
  const e = tenant.entraConnection;
  return {
    tenantId,
    sandboxMode: tenant.sandboxMode,
    defaultPassword: tenant.defaultPasswordEnc ? open(SECRET_FIELDS.defaultPassword, tenant.defaultPasswordEnc) : null,
    rescue: r
      ? {
          baseUrl: r.apiBaseUrl,
          email: r.email,
          password: open(SECRET_FIELDS.rescuePassword, r.passwordEnc),
          serviceToken: open(SECRET_FIELDS.rescueServiceToken, r.serviceTokenEnc),
          bulkCreate: { capability: r.bulkCreate, reason: r.bulkCreateReason, checkedAt: r.bulkCreateCheckedAt },
        }
      : null,
    entra: e
      ? {
          directoryId: e.directoryId,
          clientId: e.clientId,
          clientSecret: open(SECRET_FIELDS.entraClientSecret, e.clientSecretEnc),
          authorityHost: e.authorityHost,
          graphBaseUrl: e.graphBaseUrl,
        }
      : null,
  };
}

/**
 * Forget what runs learned about Rescue's createUsers: spread into the update of a Rescue connection whose
 * destination, email or API token changed (another organisation or caller may answer differently).
 */
export const FORGET_BULK_CREATE = {
  bulkCreate: "unknown",
  bulkCreateReason: null,
  bulkCreateCheckedAt: null,
} as const satisfies { bulkCreate: BulkCreateCapability; bulkCreateReason: null; bulkCreateCheckedAt: null };
