// Seeded, reproducible directory generator: the same options always give the same tenant,
// so tests, demos and benchmarks can name users and groups by index.

import { seededRandom } from "../seeded-random";
import type {
  EmulatedApp,
  EmulatedDirectoryObjectInput,
  EmulatedGroupInput,
  EmulatedUserInput,
  TenantSeed,
} from "./emulated-tenant";

export { seededRandom };

export interface DirectoryGeneratorOptions {
  seed?: number;
  tenantId?: string;
  domain?: string;
  users: number;
  groups: number;
  /** Groups are chained in blocks: with depth 2, group 1 is in group 0 and group 2 in group 1. 0 = flat. */
  nestingDepth?: number;
  /** Share of users who are also direct members of a second group (0..1). */
  overlapRatio?: number;
  disabledRatio?: number;
  /** Share of users without a mailbox (`mail` null). */
  withoutMailRatio?: number;
  /** Share of users who are guests: userType Guest, an `…#EXT#@…` user principal name, a partner's address. */
  guestRatio?: number;
  /**
   * Share of guests without `mail`; every other one of those still has its address in `otherMails`,
   * the rest have no address at all but the #EXT# name.
   */
  guestWithoutMailRatio?: number;
  /** Organisational contacts, devices and service principals added to each group as direct members (default 0). */
  contactsPerGroup?: number;
  devicesPerGroup?: number;
  servicePrincipalsPerGroup?: number;
  apps?: EmulatedApp[];
}

const GIVEN_NAMES = [
  "Alex",
  "Jordan",
  "Priya",
  "Mateo",
  "Aisha",
  "Lukas",
  "Mei",
  "Omar",
  "Sofia",
  "Noah",
  "Chloe",
  "Ravi",
  "Elena",
  "Kwame",
  "Hannah",
  "Diego",
  "Yuki",
  "Fatima",
  "Liam",
  "Ingrid",
  "Tomasz",
  "Amara",
  "Ben",
  "Zoe",
];
const SURNAMES = [
  "Morgan",
  "Patel",
  "Garcia",
  "Okafor",
  "Schmidt",
  "Chen",
  "Haddad",
  "Rossi",
  "Nguyen",
  "Kowalski",
  "Silva",
  "Andersson",
  "Mensah",
  "Tanaka",
  "Dubois",
  "O'Brien",
  "Fischer",
  "Novak",
  "Reyes",
  "Ibrahim",
];
const DEPARTMENTS = ["Support", "Field Service", "Sales", "Engineering", "Finance", "Operations", "IT"];
const JOB_TITLES = ["Support Engineer", "Technician", "Team Lead", "Analyst", "Field Engineer", "Manager"];
const OFFICES = ["London", "Dublin", "Berlin", "Austin", "Singapore", "Toronto"];
const PARTNER_DOMAINS = ["fabrikam.example", "northwind.example", "adatum.example", "tailspin.example"];
const GROUP_AREAS = ["Helpdesk", "Field Support", "Escalations", "Service Desk", "Remote Support", "Onsite Team"];
const REGIONS = ["EMEA", "Americas", "APAC", "North", "South", "Central"];

/** A GUID-shaped id drawn from the seeded stream, so object ids are reproducible too. */
export function seededGuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A generated tenant: like any seed, but every object has its (reproducible) id. */
export interface GeneratedTenant extends TenantSeed {
  users: (EmulatedUserInput & { id: string })[];
  groups: (EmulatedGroupInput & { id: string; members: string[] })[];
  directoryObjects: (EmulatedDirectoryObjectInput & { id: string })[];
}

export function generateDirectory(options: DirectoryGeneratorOptions): GeneratedTenant {
  const random = seededRandom(options.seed ?? 1);
  const domain = options.domain ?? "contoso-generated.example";
  const tenantId = options.tenantId ?? seededGuid(random);
  const nestingDepth = options.nestingDepth ?? 0;
  const overlapRatio = options.overlapRatio ?? 0;
  const disabledRatio = options.disabledRatio ?? 0;
  const withoutMailRatio = options.withoutMailRatio ?? 0;
  const guestRatio = options.guestRatio ?? 0;
  const guestWithoutMailRatio = options.guestWithoutMailRatio ?? 0;
  let guestsWithoutMail = 0;

  const groups: (EmulatedGroupInput & { id: string; members: string[] })[] = [];
  for (let index = 0; index < options.groups; index += 1) {
    const area = GROUP_AREAS[index % GROUP_AREAS.length];
    const region = REGIONS[Math.floor(index / GROUP_AREAS.length) % REGIONS.length];
    const round = Math.floor(index / (GROUP_AREAS.length * REGIONS.length));
    const displayName = `${area} ${region}${round > 0 ? ` ${round + 1}` : ""}`;
    groups.push({
      id: seededGuid(random),
      displayName,
      description: `Technicians of ${displayName}`,
      mail: `${displayName.toLowerCase().replace(/[^a-z0-9]+/g, "-")}@${domain}`,
      mailEnabled: false,
      securityEnabled: true,
      members: [],
    });
  }
  // Chain groups in blocks of depth+1 so each block's top group transitively holds the whole block.
  if (nestingDepth > 0) {
    groups.forEach((group, index) => {
      const parent = groups[index - 1];
      if (index % (nestingDepth + 1) !== 0 && parent) parent.members.push(group.id);
    });
  }

  const users: (EmulatedUserInput & { id: string })[] = [];
  const usedNames = new Map<string, number>();
  for (let index = 0; index < options.users; index += 1) {
    const givenName = pick(random, GIVEN_NAMES);
    const surname = pick(random, SURNAMES);
    const base = `${givenName}.${surname}`.toLowerCase().replace(/[^a-z.]/g, "");
    const seen = usedNames.get(base) ?? 0;
    usedNames.set(base, seen + 1);
    const alias = seen === 0 ? base : `${base}${seen + 1}`;
    const id = seededGuid(random);
    const withoutMail = random() < withoutMailRatio;
    const accountEnabled = random() >= disabledRatio;
    // Drawn only when asked for, so directories generated without guests stay as they always were.
    const guest = guestRatio > 0 && random() < guestRatio;
    let identity: Pick<EmulatedUserInput, "userPrincipalName" | "mail" | "userType" | "otherMails">;
    if (guest) {
      const partner = pick(random, PARTNER_DOMAINS);
      const address = `${alias}@${partner}`;
      const noMail = random() < guestWithoutMailRatio;
      if (noMail) guestsWithoutMail += 1;
      identity = {
        userType: "Guest",
        userPrincipalName: `${alias}_${partner}#EXT#@${domain}`,
        mail: noMail ? null : address,
        otherMails: !noMail || guestsWithoutMail % 2 === 1 ? [address] : [],
      };
    } else {
      identity = { userPrincipalName: `${alias}@${domain}`, mail: withoutMail ? null : `${alias}@${domain}` };
    }
    users.push({
      id,
      displayName: `${givenName} ${surname}`,
      givenName,
      surname,
      ...identity,
      accountEnabled,
      department: pick(random, DEPARTMENTS),
      jobTitle: pick(random, JOB_TITLES),
      companyName: "Contoso",
      officeLocation: pick(random, OFFICES),
      employeeId: String(100000 + index),
    });
    if (groups.length > 0) {
      const primary = groups[index % groups.length];
      primary?.members.push(id);
      if (groups.length > 1 && random() < overlapRatio) {
        const offset = 1 + Math.floor(random() * (groups.length - 1));
        groups[(index + offset) % groups.length]?.members.push(id);
      }
    }
  }

  // After the users, so adding them changes no user or group of an existing seed.
  const directoryObjects: (EmulatedDirectoryObjectInput & { id: string })[] = [];
  groups.forEach((group, groupIndex) => {
    for (let n = 0; n < (options.contactsPerGroup ?? 0); n += 1) {
      const name = `${pick(random, GIVEN_NAMES)} ${pick(random, SURNAMES)}`;
      const id = seededGuid(random);
      const partner = pick(random, PARTNER_DOMAINS);
      directoryObjects.push({
        kind: "orgContact",
        id,
        displayName: `${name} (${partner})`,
        mail: `${name.toLowerCase().replace(/[^a-z]+/g, ".")}@${partner}`,
        companyName: partner,
      });
      group.members.push(id);
    }
    for (let n = 0; n < (options.devicesPerGroup ?? 0); n += 1) {
      const id = seededGuid(random);
      directoryObjects.push({
        kind: "device",
        id,
        displayName: `LAPTOP-${String(groupIndex).padStart(3, "0")}${String(n).padStart(4, "0")}`,
        deviceId: seededGuid(random),
        operatingSystem: "Windows",
        operatingSystemVersion: "10.0.22631",
      });
      group.members.push(id);
    }
    for (let n = 0; n < (options.servicePrincipalsPerGroup ?? 0); n += 1) {
      const id = seededGuid(random);
      directoryObjects.push({
        kind: "servicePrincipal",
        id,
        displayName: `${group.displayName} automation ${n + 1}`,
        appId: seededGuid(random),
      });
      group.members.push(id);
    }
  });

  return {
    tenantId,
    domain,
    apps: options.apps ?? [],
    users,
    groups,
    directoryObjects,
  };
}
