import { EmulatedTenant } from "./emulated-tenant";
import { generateDirectory } from "./generate-directory";

describe("generateDirectory", () => {
  it("is reproducible from its seed, and differs across seeds", () => {
    const options = { seed: 5, users: 200, groups: 6, overlapRatio: 0.3, withoutMailRatio: 0.2, disabledRatio: 0.1 };
    expect(generateDirectory(options)).toEqual(generateDirectory(options));
    expect(generateDirectory({ ...options, seed: 6 }).users[0]?.id).not.toBe(generateDirectory(options).users[0]?.id);
  });

  it("makes realistic, unique UPNs, some users without mail and some disabled", () => {
    const tenant = generateDirectory({
      seed: 1,
      users: 1000,
      groups: 4,
      withoutMailRatio: 0.2,
      disabledRatio: 0.1,
      domain: "x.example",
    });
    const upns = tenant.users.map((user) => user.userPrincipalName);
    expect(new Set(upns).size).toBe(1000);
    expect(upns.every((upn) => /^[a-z]+\.[a-z]+\d*@x\.example$/.test(upn))).toBe(true);
    const withoutMail = tenant.users.filter((user) => user.mail === null).length;
    const disabled = tenant.users.filter((user) => user.accountEnabled === false).length;
    expect(withoutMail).toBeGreaterThan(150);
    expect(withoutMail).toBeLessThan(250);
    expect(disabled).toBeGreaterThan(60);
    expect(disabled).toBeLessThan(140);
  });

  it("nests groups to the requested depth and puts a share of users in two groups", () => {
    const seed = generateDirectory({ seed: 2, users: 300, groups: 6, nestingDepth: 2, overlapRatio: 0.5, apps: [] });
    const tenant = new EmulatedTenant(seed);
    const [top, middle, bottom] = seed.groups;
    expect(top?.members).toContain(middle?.id);
    expect(middle?.members).toContain(bottom?.id);
    // The top of a block holds the whole block transitively.
    const blockUsers = new Set(
      [top, middle, bottom].flatMap((group) => tenant.directMembers(group?.id as string).users),
    );
    expect(new Set(tenant.transitiveMembers(top?.id as string).users)).toEqual(blockUsers);
    const memberships = seed.groups.reduce(
      (sum, group) => sum + group.members.filter((id) => tenant.users.has(id)).length,
      0,
    );
    expect(memberships).toBeGreaterThan(400);
  });

  it("adds guests (some without mail, half of those with otherMails) without changing anyone else's draws", () => {
    const plain = generateDirectory({ seed: 3, users: 400, groups: 4, domain: "x.example" });
    const withOthers = generateDirectory({
      seed: 3,
      users: 400,
      groups: 4,
      domain: "x.example",
      contactsPerGroup: 2,
      devicesPerGroup: 3,
      servicePrincipalsPerGroup: 1,
    });
    // Contacts, devices and service principals come after: the users and their groups stay as they were.
    expect(withOthers.users).toEqual(plain.users);
    const kinds = withOthers.directoryObjects.map((object) => object.kind);
    expect(kinds.filter((kind) => kind === "orgContact")).toHaveLength(8);
    expect(kinds.filter((kind) => kind === "device")).toHaveLength(12);
    expect(kinds.filter((kind) => kind === "servicePrincipal")).toHaveLength(4);
    const tenant = new EmulatedTenant(withOthers);
    const group = withOthers.groups[0]?.id as string;
    expect(tenant.directMembers(group).others).toHaveLength(6);

    const guests = generateDirectory({
      seed: 3,
      users: 400,
      groups: 4,
      guestRatio: 0.25,
      guestWithoutMailRatio: 0.5,
    }).users.filter((user) => user.userType === "Guest");
    expect(guests.length).toBeGreaterThan(60);
    expect(guests.length).toBeLessThan(140);
    expect(guests.every((guest) => /^[a-z.0-9]+_[a-z.]+#EXT#@/.test(guest.userPrincipalName))).toBe(true);
    const withoutMail = guests.filter((guest) => guest.mail === null);
    expect(withoutMail.length).toBeGreaterThan(20);
    expect(withoutMail.some((guest) => guest.otherMails?.length === 1)).toBe(true);
    expect(withoutMail.some((guest) => guest.otherMails?.length === 0)).toBe(true);
  });
});
