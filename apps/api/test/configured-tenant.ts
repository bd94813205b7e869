// rule 14's fixtures for API tests: a tenant set up up to its preview, and a preview as the worker leaves it.
// Not a test file itself.
import { entraSecretField, rescueSecretField, SECRET_FIELDS, tenantDataKey } from "@techsync/db";
import { loadConfigFingerprint } from "@techsync/runs";
import type { ApiHarness } from "./api-harness";

export type Owner = { tenantId: string; token: string; userId: string };

/** A tenant with both connections, a default password and one pair: everything but a preview. */
export async function configuredTenantOf(api: ApiHarness): Promise<Owner> {
  const owner = await api.ownerWithTenant("Contoso");
  const { tenantId } = owner;
  const tenant = await api.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const seal = (field: string, value: string) => api.secretBox.encrypt(tenantId, tenantDataKey(tenant), field, value);
  await api.prisma.tenant.update({
    where: { id: tenantId },
    data: {
      defaultPasswordEnc: seal(SECRET_FIELDS.defaultPassword, "Default-Pa55word!"),
      rescueConnection: {
        create: {
          email: "mah@contoso.example",
          apiTokenEnc: seal(rescueSecretField(SECRET_FIELDS.rescueApiToken, "global"), "token-1"),
        },
      },
      entraConnection: {
        create: {
          directoryId: "11111111-1111-1111-1111-111111111111",
          clientId: "22222222-2222-2222-2222-222222222222",
          clientSecretEnc: seal(entraSecretField("global"), "secret-1"),
        },
      },
      mappings: {
        create: [
          { entraGroupId: "g-helpdesk", entraGroupName: "Helpdesk", rescueGroupId: 10, rescueGroupName: "Help" },
        ],
      },
    },
  });
  return owner;
}

/** What the worker leaves behind after a preview: a finished dry run with the fingerprint it loaded. */
export async function finishedPreviewOf(
  api: ApiHarness,
  tenantId: string,
  status: "succeeded" | "failed" = "succeeded",
  fingerprint?: string | null,
): Promise<string> {
  const configFingerprint = fingerprint === undefined ? await loadConfigFingerprint(api.prisma, tenantId) : fingerprint;
  const run = await api.prisma.syncRun.create({
    data: {
      tenantId,
      trigger: "portal",
      dryRun: true,
      status,
      finishedAt: new Date("2026-12-02T05:41:00Z"),
      configFingerprint,
      ...(status === "failed" ? { error: "The group Helpdesk does not exist in the directory." } : {}),
    },
  });
  return run.id;
}
