// The sandbox demo tenant: connected to the two emulators, with group mappings, so a newcomer can
// try the whole flow (connect, map, preview, sync) with no Microsoft or LogMeIn account.
// Idempotent: running it again updates the same tenant rather than making another.
// The emulators' demo accounts are given by the caller (scripts/seed.ts), so the API's production code never
// depends on the emulators.

import { hash } from "@node-rs/argon2";
import { SANDBOX_DESTINATION } from "@techsync/config/destinations";
import {
  entraSecretField,
  FORGET_BULK_CREATE,
  type PrismaClient,
  rescueSecretField,
  SECRET_FIELDS,
  type SecretBox,
  tenantDataKey,
} from "@techsync/db";
import { createRescueClient } from "@techsync/rescue";

export const SANDBOX_TENANT_ID = "5a4d0b0e-0000-4000-8000-00000000de01";
export const SANDBOX_TENANT_NAME = "Contoso Demo (sandbox)";
/** Meets the emulator's (and Rescue's default) password policy; technicians must change it at first login. */
export const SANDBOX_DEFAULT_PASSWORD = "Welcome-2026-Sandbox!";
/** The portal user who owns the sandbox tenant: public demo credentials, printed by `npm start`. */
export const SANDBOX_PORTAL_USER = {
  email: "demo@techsync.example",
  password: "TechSync-Demo-2026",
  name: "Demo Owner",
};

/** The accounts the emulators' demo organisation and directory are seeded with. */
export interface SandboxDemoAccounts {
  rescue: { email: string; password: string; apiToken: string };
  entra: {
    directoryId: string;
    clientId: string;
    clientSecret: string;
    groupIds: { helpdesk: string; escalations: string; fieldSupport: string };
  };
}

/** Entra group → Rescue technician group (by name), in priority order (rule 8). */
function sandboxMappings(groupIds: SandboxDemoAccounts["entra"]["groupIds"]) {
  return [
    { entraGroupId: groupIds.helpdesk, entraGroupName: "Helpdesk", rescueGroupName: "Support Tier 1" },
    { entraGroupId: groupIds.escalations, entraGroupName: "Escalations", rescueGroupName: "Support Tier 2" },
    { entraGroupId: groupIds.fieldSupport, entraGroupName: "Field Support", rescueGroupName: "Field Engineers" },
  ];
}

/** The emulators the server is configured with (RESCUE_EMULATOR_URL, GRAPH_EMULATOR_URL). */
export interface SandboxEndpoints {
  rescueUrl: string;
  /** Authority host and Graph base URL of the Graph emulator (https). */
  graphUrl: string;
}

export interface SeedSandboxResult {
  tenantId: string;
  mappings: number;
}

export async function seedSandboxTenant(
  deps: { prisma: PrismaClient; secretBox: SecretBox },
  endpoints: SandboxEndpoints,
  demo: SandboxDemoAccounts,
): Promise<SeedSandboxResult> {
  const { prisma, secretBox } = deps;
  const tenantId = SANDBOX_TENANT_ID;

  // Resolve the Rescue groups through the real client, as the portal's group picker does.
  const rescue = createRescueClient({
    baseUrl: endpoints.rescueUrl,
    email: demo.rescue.email,
    password: demo.rescue.password,
    apiToken: demo.rescue.apiToken,
    timeoutMs: 10_000,
  });
  const [tree, account] = await Promise.all([rescue.getTree(), rescue.getAccount()]);
  const groupIdByName = new Map(tree.filter((n) => n.kind === "technicianGroup").map((n) => [n.name, n.id]));

  const existing = await prisma.tenant.findUnique({ where: { id: tenantId } });
  const dataKey = existing ? tenantDataKey(existing) : secretBox.createDataKey(tenantId);
  const seal = (field: string, value: string) => secretBox.encrypt(tenantId, dataKey, field, value);

  const tenantData = {
    name: SANDBOX_TENANT_NAME,
    sandboxMode: true,
    defaultPasswordEnc: seal(SECRET_FIELDS.defaultPassword, SANDBOX_DEFAULT_PASSWORD),
  };
  // The connections name the sandbox destination: the server resolves it to its own emulators.
  // rule 15: the demo tenant owns the demo organisation, unless a tenant made before sandbox tenants had
  // organisations of their own holds it already (then the demo tenant's runs say so, and nothing clashes here).
  const holder = await prisma.rescueConnection.findFirst({
    where: { region: SANDBOX_DESTINATION, rescueAccountId: account.accountId, tenantId: { not: tenantId } },
    select: { tenantId: true },
  });
  const rescueData = {
    email: demo.rescue.email,
    region: SANDBOX_DESTINATION,
    rescueAccountId: holder ? null : account.accountId,
    rescueOrganization: holder ? null : account.organization,
    passwordEnc: seal(rescueSecretField(SECRET_FIELDS.rescuePassword, SANDBOX_DESTINATION), demo.rescue.password),
    apiTokenEnc: seal(rescueSecretField(SECRET_FIELDS.rescueApiToken, SANDBOX_DESTINATION), demo.rescue.apiToken),
    // A fresh sandbox learns again whether the emulator takes createUsers (it does not, by default).
    ...FORGET_BULK_CREATE,
  };
  const entraData = {
    directoryId: demo.entra.directoryId,
    clientId: demo.entra.clientId,
    cloud: SANDBOX_DESTINATION,
    clientSecretEnc: seal(entraSecretField(SANDBOX_DESTINATION), demo.entra.clientSecret),
  };

  const mappings = sandboxMappings(demo.entra.groupIds).map((m, index) => {
    const rescueGroupId = groupIdByName.get(m.rescueGroupName);
    if (rescueGroupId === undefined) {
      throw new Error(
        `the Rescue emulator has no technician group "${m.rescueGroupName}"; reset it to the demo organisation`,
      );
    }
    return { ...m, rescueGroupId, priority: (index + 1) * 10 };
  });

  const passwordHash = await hash(SANDBOX_PORTAL_USER.password);
  await prisma.$transaction(async (tx) => {
    await tx.tenant.upsert({
      where: { id: tenantId },
      create: { id: tenantId, ...tenantData, dataKeyWrapped: dataKey.wrapped, dataKeyMasterKeyId: dataKey.masterKeyId },
      update: tenantData,
    });
    await tx.rescueConnection.upsert({ where: { tenantId }, create: { tenantId, ...rescueData }, update: rescueData });
    await tx.entraConnection.upsert({ where: { tenantId }, create: { tenantId, ...entraData }, update: entraData });
    for (const m of mappings) {
      await tx.groupMapping.upsert({
        where: {
          tenantId_entraGroupId_rescueGroupId: {
            tenantId,
            entraGroupId: m.entraGroupId,
            rescueGroupId: m.rescueGroupId,
          },
        },
        create: { tenantId, ...m },
        update: { entraGroupName: m.entraGroupName, rescueGroupName: m.rescueGroupName, priority: m.priority },
      });
    }
    const owner = await tx.portalUser.upsert({
      where: { email: SANDBOX_PORTAL_USER.email },
      create: { email: SANDBOX_PORTAL_USER.email, name: SANDBOX_PORTAL_USER.name, passwordHash },
      update: { passwordHash },
    });
    await tx.membership.upsert({
      where: { tenantId_portalUserId: { tenantId, portalUserId: owner.id } },
      create: { tenantId, portalUserId: owner.id, role: "owner" },
      update: { role: "owner" },
    });
    await tx.auditEvent.create({
      data: { tenantId, actorType: "system", action: existing ? "sandbox.reseeded" : "sandbox.created" },
    });
  });
  return { tenantId, mappings: mappings.length };
}
