// Reading and writing a tenant's secrets through the secret box. The field names are the AAD that binds each
// ciphertext to its column and, for connection secrets, to the connection's destination: a ciphertext moved to
// another column, or kept while the destination changes, does not decrypt. Always go through these helpers,
// never encrypt ad hoc.
import type { PrismaClient } from "./client";
import type { BulkCreateCapability } from "./generated/prisma/enums";
import type { SecretBox, WrappedDataKey } from "./secret-box";

export const SECRET_FIELDS = {
  defaultPassword: "tenant.defaultPassword",
  rescuePassword: "rescue.password",
  rescueApiToken: "rescue.apiToken",
  entraClientSecret: "entra.clientSecret",
  /** The secret a Graph change notification must carry (per subscription row; see graph_subscriptions). */
  graphClientState: "graph.clientState",
  /** An alert webhook's signing secret (per webhook row; see alertWebhookSecretField). */
  alertWebhookSecret: "alert.webhookSigningSecret",
} as const;
export type SecretField = (typeof SECRET_FIELDS)[keyof typeof SECRET_FIELDS];
type RescueSecretField = typeof SECRET_FIELDS.rescuePassword | typeof SECRET_FIELDS.rescueApiToken;

/** The AAD of a Rescue secret for one region, e.g. `rescue.apiToken@rescue:global`. */
export function rescueSecretField(field: RescueSecretField, region: string): string {
  return `${field}@rescue:${region}`;
}

/** The AAD of the Entra client secret for one cloud, e.g. `entra.clientSecret@entra:usgov`. */
export function entraSecretField(cloud: string): string {
  return `${SECRET_FIELDS.entraClientSecret}@entra:${cloud}`;
}

/** The AAD of one alert webhook's signing secret: bound to that webhook, so it opens for no other. */
export function alertWebhookSecretField(webhookId: string): string {
  return `${SECRET_FIELDS.alertWebhookSecret}@webhook:${webhookId}`;
}

/**
 * Ciphertexts sealed before secrets were bound to a destination carry this prefix (the migration added it) and
 * open with their old, destination-free field name; saving the secret again binds it.
 */
const LEGACY_PREFIX = "legacy:";
const LEGACY_FIELD: Record<string, string> = {
  [SECRET_FIELDS.rescuePassword]: "rescue.password",
  [SECRET_FIELDS.rescueApiToken]: "rescue.serviceToken",
  [SECRET_FIELDS.entraClientSecret]: "entra.clientSecret",
};

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
    /** A region name (global, enterprise, sandbox), resolved to a host by the caller. */
    region: string;
    email: string;
    /** null: not given (the password is optional). */
    password: string | null;
    apiToken: string;
    /** What earlier runs learned about Rescue's bulk createUsers for this connection. */
    bulkCreate: { capability: BulkCreateCapability; reason: string | null; checkedAt: Date | null };
    /** rule 15: the organisation recorded for this connection (getAccount); null until Rescue was asked. */
    organisation: { accountId: number; name: string } | null;
  } | null;
  entra: {
    /** A cloud name (global, usgov, usgov-dod, china, sandbox), resolved to hosts by the caller. */
    cloud: string;
    directoryId: string;
    clientId: string;
    clientSecret: string;
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
  const decrypt = (field: string, ciphertext: string) => deps.secretBox.decrypt(tenantId, key, field, ciphertext);
  /** A connection secret: bound to `field` (with its destination), or a legacy ciphertext under its old name. */
  const open = (base: keyof typeof LEGACY_FIELD, field: string, ciphertext: string) =>
    ciphertext.startsWith(LEGACY_PREFIX)
      ? decrypt(LEGACY_FIELD[base]!, ciphertext.slice(LEGACY_PREFIX.length))
      : decrypt(field, ciphertext);
  const r = tenant.rescueConnection;
  const e = tenant.entraConnection;
  return {
    tenantId,
    sandboxMode: tenant.sandboxMode,
    defaultPassword: tenant.defaultPasswordEnc
      ? decrypt(SECRET_FIELDS.defaultPassword, tenant.defaultPasswordEnc)
      : null,
    rescue: r
      ? {
          region: r.region,
          email: r.email,
          password: r.passwordEnc
            ? open(
                SECRET_FIELDS.rescuePassword,
                rescueSecretField(SECRET_FIELDS.rescuePassword, r.region),
                r.passwordEnc,
              )
            : null,
          apiToken: open(
            SECRET_FIELDS.rescueApiToken,
            rescueSecretField(SECRET_FIELDS.rescueApiToken, r.region),
            r.apiTokenEnc,
          ),
          bulkCreate: { capability: r.bulkCreate, reason: r.bulkCreateReason, checkedAt: r.bulkCreateCheckedAt },
          organisation:
            r.rescueAccountId !== null ? { accountId: r.rescueAccountId, name: r.rescueOrganization ?? "" } : null,
        }
      : null,
    entra: e
      ? {
          cloud: e.cloud,
          directoryId: e.directoryId,
          clientId: e.clientId,
          clientSecret: open(SECRET_FIELDS.entraClientSecret, entraSecretField(e.cloud), e.clientSecretEnc),
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
