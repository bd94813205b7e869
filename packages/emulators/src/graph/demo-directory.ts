// The sandbox's demo tenant: fixed, documented credentials so the portal's sandbox mode and the
// lead's `npm run emulators` can connect without a Microsoft account.
import type { TenantSeed } from "./emulated-tenant";
import { generateDirectory } from "./generate-directory";

export const DEMO_TENANT_ID = "7d3b3f4e-5c2a-4e1b-9a6f-2c8d1e0f4a10";
export const DEMO_TENANT_DOMAIN = "contoso-demo.example";
export const DEMO_CLIENT_ID = "a1c2e3f4-0b1d-4c5e-8f90-123456789abc";
export const DEMO_CLIENT_SECRET = "Dmo8Q~TechSyncGraphDemoSecretValue0000001";
/** The secret's id, as the Entra portal shows it beside the value: pasting it gives AADSTS7000215. */
export const DEMO_CLIENT_SECRET_ID = "5f0c9a1e-2b3d-4e5f-8a7b-9c0d1e2f3a4b";
/** An expired secret of the demo app, to show AADSTS7000222. */
export const DEMO_EXPIRED_CLIENT_SECRET = "Exp8Q~TechSyncGraphDemoSecretExpired00001";
/** Matches a technician of the Rescue demo organisation, so the demo shows an adopt (rule 3). */
export const DEMO_SHARED_TECHNICIAN_EMAIL = "alex.morgan@contoso-demo.example";

export const DEMO_GROUP_IDS = {
  allTechnicians: "0a1b2c3d-0000-4000-a000-000000000001",
  helpdesk: "0a1b2c3d-0000-4000-a000-000000000002",
  fieldSupport: "0a1b2c3d-0000-4000-a000-000000000003",
  escalations: "0a1b2c3d-0000-4000-a000-000000000004",
  nightShift: "0a1b2c3d-0000-4000-a000-000000000005",
} as const;

export function demoTenantSeed(): TenantSeed {
  const generated = generateDirectory({
    seed: 2026,
    tenantId: DEMO_TENANT_ID,
    domain: DEMO_TENANT_DOMAIN,
    users: 50,
    groups: 0,
    disabledRatio: 0.1,
    withoutMailRatio: 0.1,
  });
  const users = generated.users.map((user, index) =>
    index === 0
      ? {
          ...user,
          displayName: "Alex Morgan",
          givenName: "Alex",
          surname: "Morgan",
          userPrincipalName: DEMO_SHARED_TECHNICIAN_EMAIL,
          mail: DEMO_SHARED_TECHNICIAN_EMAIL,
          accountEnabled: true,
          department: "Support",
          jobTitle: "Team Lead",
        }
      : user,
  );
  const ids = users.map((user) => user.id as string);
  const { allTechnicians, helpdesk, fieldSupport, escalations, nightShift } = DEMO_GROUP_IDS;
  return {
    tenantId: DEMO_TENANT_ID,
    domain: DEMO_TENANT_DOMAIN,
    apps: [
      {
        clientId: DEMO_CLIENT_ID,
        displayName: "TechSync Demo",
        secrets: [
          { id: DEMO_CLIENT_SECRET_ID, value: DEMO_CLIENT_SECRET, expiresAt: "2099-12-31T00:00:00Z" },
          {
            id: "6a1d0b2f-3c4e-4f60-9b8c-0d1e2f3a4b5c",
            value: DEMO_EXPIRED_CLIENT_SECRET,
            expiresAt: "2024-01-01T00:00:00Z",
          },
        ],
        roles: ["User.Read.All", "Group.Read.All", "Directory.Read.All"],
      },
    ],
    users,
    groups: [
      {
        id: allTechnicians,
        displayName: "All Technicians",
        description: "Everyone who takes Rescue sessions",
        members: [helpdesk, fieldSupport],
      },
      {
        id: helpdesk,
        displayName: "Helpdesk",
        description: "First-line support",
        members: [...ids.slice(0, 20), escalations],
      },
      { id: fieldSupport, displayName: "Field Support", description: "On-site engineers", members: ids.slice(20, 35) },
      // Escalations also contains Helpdesk: a cycle, as real tenants sometimes have.
      {
        id: escalations,
        displayName: "Escalations",
        description: "Second line",
        members: [...ids.slice(15, 25), ids[40] ?? "", helpdesk],
      },
      { id: nightShift, displayName: "Helpdesk Night Shift", description: "Out-of-hours", members: ids.slice(35, 45) },
    ],
  };
}
