// The sandbox's demo tenant: fixed, documented credentials so the portal's sandbox mode and the
// lead's `npm run emulators` can connect without a Microsoft account.
import type { EmulatedUserInput, TenantSeed } from "./emulated-tenant";
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

/** Members of Helpdesk that TechSync must not provision (guests by default, contacts, devices, apps). */
export const DEMO_NON_MEMBER_IDS = {
  guestWithMail: "0b2c3d4e-0000-4000-a000-000000000001",
  guestWithOtherMail: "0b2c3d4e-0000-4000-a000-000000000002",
  guestWithoutEmail: "0b2c3d4e-0000-4000-a000-000000000003",
  contact: "0b2c3d4e-0000-4000-a000-000000000004",
  device: "0b2c3d4e-0000-4000-a000-000000000005",
  servicePrincipal: "0b2c3d4e-0000-4000-a000-000000000006",
} as const;

/** Three guests as real tenants hold them: with mail, with only otherMails, with nothing but the #EXT# name. */
function demoGuests(): EmulatedUserInput[] {
  const guest = (id: string, given: string, surname: string, partner: string, mail: "mail" | "otherMails" | "none") => {
    const address = `${given}.${surname}@${partner}`.toLowerCase();
    return {
      id,
      displayName: `${given} ${surname} (${partner})`,
      givenName: given,
      surname,
      userType: "Guest" as const,
      userPrincipalName: `${address.replace("@", "_")}#EXT#@${DEMO_TENANT_DOMAIN}`,
      mail: mail === "mail" ? address : null,
      otherMails: mail === "none" ? [] : [address],
      accountEnabled: true,
      department: "Support",
    };
  };
  const { guestWithMail, guestWithOtherMail, guestWithoutEmail } = DEMO_NON_MEMBER_IDS;
  return [
    guest(guestWithMail, "Jane", "Doe", "fabrikam.example", "mail"),
    guest(guestWithOtherMail, "Raj", "Iyer", "northwind.example", "otherMails"),
    guest(guestWithoutEmail, "Li", "Wei", "adatum.example", "none"),
  ];
}

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
  const nonMembers = Object.values(DEMO_NON_MEMBER_IDS);
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
    users: [...users, ...demoGuests()],
    directoryObjects: [
      {
        kind: "orgContact",
        id: DEMO_NON_MEMBER_IDS.contact,
        displayName: "Tailspin Support Desk",
        mail: "support@tailspin.example",
        companyName: "Tailspin Toys",
      },
      {
        kind: "device",
        id: DEMO_NON_MEMBER_IDS.device,
        displayName: "LAPTOP-HD-001",
        deviceId: "6e7f8091-0000-4000-a000-000000000001",
        operatingSystem: "Windows",
        operatingSystemVersion: "10.0.22631",
      },
      {
        kind: "servicePrincipal",
        id: DEMO_NON_MEMBER_IDS.servicePrincipal,
        displayName: "Helpdesk Automation",
        appId: "6e7f8091-0000-4000-a000-000000000002",
      },
    ],
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
        members: [...ids.slice(0, 20), escalations, ...nonMembers],
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
