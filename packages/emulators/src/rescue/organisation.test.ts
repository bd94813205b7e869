// The emulator's own rules, tested directly (no HTTP).
import { LICENCE_LIMIT, RescueOrganisation } from "./organisation";
import { DEMO_RESCUE_CONNECTION, demoRescueOrganisation, type RescueOrganisationSeed } from "./organisation-seed";

const PASSWORD = "Welcome-2026!";

function organisation(seed: RescueOrganisationSeed = demoRescueOrganisation()) {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const org = new RescueOrganisation(seed, () => now);
  return { org, advance: (ms: number) => (now += ms) };
}

function group(org: RescueOrganisation, name: string): number {
  return [...org.nodes.values()].find((n) => n.name === name)!.id;
}

function mah(org: RescueOrganisation) {
  return org.nodes.get(org.masterAccountHolderId)!;
}

function userRow(i: number, parent: number, overrides: Record<string, string> = {}): Record<string, string> {
  const row: Record<string, string> = {
    uniqueid: `u${i}`,
    parentid: String(parent),
    name: `User ${i}`,
    email: `user.${i}@example.com`,
    pwd: PASSWORD,
    confpwd: PASSWORD,
    status: "Enabled",
    ...overrides,
  };
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [`userdata[${i}].${k}`, v]));
}

function createTechnician(
  org: RescueOrganisation,
  parent: number,
  email: string,
  overrides: Record<string, string> = {},
) {
  const created = org.createUser({ parent: String(parent) });
  if (!("id" in created)) return created.code;
  return (
    org.setUser(
      mah(org),
      {
        node: String(created.id),
        name: "New Tech",
        email,
        status: "Enabled",
        mobileaddon: "False",
        rpataddon: "False",
        pwd: PASSWORD,
        confpwd: PASSWORD,
        ...overrides,
      },
      true,
    ) as { code: string }
  ).code;
}

describe("placement", () => {
  it("creates technicians only in Technician Groups, never in the root Technicians category", () => {
    const { org } = organisation();
    expect(org.createUser({ parent: String(org.categoryIds.technicians) })).toEqual({ code: "INVALIDPARAM_PARENT" });
    expect(org.createUser({ parent: "999999" })).toEqual({ code: "INVALIDPARAM_PARENT" });
    const created = org.createUser({ parent: String(group(org, "Support Tier 1")) });
    expect("id" in created && org.nodes.get(created.id)?.type).toBe("Technician");
    const rows = userRow(0, org.categoryIds.technicians);
    expect(org.createUsers(mah(org), rows)).toMatchObject({
      blocks: [
        [
          ["UniqueID", "u0"],
          ["NodeID", 0],
          ["Result", "INVALIDPARAM_PARENT"],
        ],
      ],
    });
  });

  it("moves technicians between Technician Groups, never into Administrator Groups", () => {
    const { org } = organisation();
    const alex = org.findByEmail("alex.morgan@contoso-demo.example")[0]!;
    expect(org.moveByHand(alex.id, group(org, "Helpdesk Admins"))).toBe("INVALID_MOVE");
    expect(org.moveByHand(alex.id, org.categoryIds.technicians)).toBe("INVALID_MOVE");
    expect(org.moveByHand(alex.id, group(org, "Field Engineers North"))).toBe("OK");
    expect(alex.parentId).toBe(group(org, "Field Engineers North"));
    // A group cannot move under its own child.
    expect(org.moveByHand(group(org, "Field Engineers"), group(org, "Field Engineers North"))).toBe("INVALID_MOVE");
  });

  it("refuses to delete yourself or the account holder (INVALID_DELETE)", () => {
    const { org } = organisation();
    expect(org.deleteNode(mah(org), { node: String(org.masterAccountHolderId) })).toEqual({ code: "INVALID_DELETE" });
  });
});

describe("emails", () => {
  it("are unique, case-insensitively, and an administrator's email is not reusable for a technician", () => {
    const { org } = organisation();
    const tier1 = group(org, "Support Tier 1");
    expect(createTechnician(org, tier1, "ALEX.MORGAN@contoso-demo.example")).toBe("INVALIDPARAM_EMAIL_ALREADY_IN_USE");
    expect(createTechnician(org, tier1, "sam.admin@contoso-demo.example")).toBe("INVALIDPARAM_EMAIL_ALREADY_IN_USE");
    expect(createTechnician(org, tier1, DEMO_RESCUE_CONNECTION.email)).toBe("INVALIDPARAM_EMAIL_ALREADY_IN_USE");
    expect(createTechnician(org, tier1, "not-an-email")).toBe("INVALIDPARAM_EMAIL");
    expect(createTechnician(org, tier1, "fresh@contoso-demo.example")).toBe("OK");
  });

  it("are unique within one createUsers call too", () => {
    const { org } = organisation();
    const tier1 = group(org, "Support Tier 1");
    const result = org.createUsers(mah(org), {
      ...userRow(0, tier1),
      ...userRow(1, tier1, { email: "USER.0@example.com" }),
    });
    expect("blocks" in result && result.blocks.map((b) => b[2]![1])).toEqual([
      "OK",
      "INVALIDPARAM_EMAIL_ALREADY_IN_USE",
    ]);
  });

  it("can be kept by their owner on update", () => {
    const { org } = organisation();
    const alex = org.findByEmail("alex.morgan@contoso-demo.example")[0]!;
    const result = org.setUser(
      mah(org),
      {
        node: String(alex.id),
        name: "Alex",
        email: alex.email,
        status: "Enabled",
        mobileaddon: "True",
        rpataddon: "False",
      },
      true,
    );
    expect(result).toEqual({ code: "OK" });
  });
});

describe("password policy", () => {
  it.each([
    ["Sh0rt!", "INVALIDPARAM_PASSWORD_HAS_TO_BE_AT_LEAST_8_CHARACTERS_LONG"],
    ["Has Space 1!", "INVALIDPARAM_PASSWORD_CANNOT_CONTAIN_WHITESPACE_CHARACTERS"],
    ["alllowercase1", "INVALIDPARAM_PASSWORD_HAS_TO_CONTAIN_AT_LEAST_3_CHARACTER_CLASSES"],
  ])("refuses %s with %s", (pwd, code) => {
    const { org } = organisation();
    expect(createTechnician(org, group(org, "Support Tier 1"), "p@example.com", { pwd, confpwd: pwd })).toBe(code);
  });

  it("needs pwd = confpwd", () => {
    const { org } = organisation();
    expect(createTechnician(org, group(org, "Support Tier 1"), "p@example.com", { confpwd: "Other-2026!" })).toBe(
      "INVALIDPARAM_PASSWORD_MISMATCH",
    );
  });

  it("forces a change at first login when an administrator set the password", () => {
    const { org } = organisation();
    createTechnician(org, group(org, "Support Tier 1"), "p@example.com");
    expect(org.findByEmail("p@example.com")[0]?.mustChangePassword).toBe(true);
  });
});

describe("statuses and fields", () => {
  it("validates status, add-on flags and name", () => {
    const { org } = organisation();
    const alex = org.findByEmail("alex.morgan@contoso-demo.example")[0]!;
    const base = {
      node: String(alex.id),
      name: "A",
      email: alex.email,
      status: "Enabled",
      mobileaddon: "False",
      rpataddon: "False",
    };
    expect(org.setUser(mah(org), { ...base, status: "Online" }, true)).toEqual({ code: "INVALIDPARAM_STATUS" });
    expect(org.setUser(mah(org), { ...base, mobileaddon: "yes" }, true)).toEqual({ code: "INVALIDPARAM_MOBILEADDON" });
    expect(org.setUser(mah(org), { ...base, rpataddon: "" }, true)).toEqual({ code: "INVALIDPARAM_RPATADDON" });
    expect(org.setUser(mah(org), { ...base, name: "" }, true)).toEqual({ code: "INVALIDPARAM_NAME" });
    expect(org.setUser(mah(org), { ...base, node: String(group(org, "Support Tier 1")) }, true)).toEqual({
      code: "INVALIDPARAM_NODE",
    });
  });

  it("shows presence for enabled users and Disabled for disabled ones", () => {
    const { org } = organisation();
    const result = org.getHierarchy({});
    const statusOf = (name: string) =>
      "blocks" in result ? result.blocks.find((b) => b[2]![1] === name)?.find(([k]) => k === "Status")?.[1] : undefined;
    expect(statusOf("Alex Morgan")).toBe("Offline");
    expect(statusOf("Casey Old")).toBe("Disabled");
  });

  it("asks the MA for the current password to change their own", () => {
    const { org } = organisation();
    const holder = mah(org);
    const result = org.setUser(
      holder,
      {
        node: String(holder.id),
        name: holder.name,
        email: holder.email,
        status: "Enabled",
        mobileaddon: "False",
        rpataddon: "False",
        pwd: "New-Pass-2026!",
        confpwd: "New-Pass-2026!",
      },
      true,
    );
    expect(result).toEqual({ code: "INVALIDPARAM_MISSING_CURRENT_PASSWORD" });
  });
});

describe("licences", () => {
  function tight() {
    const seed = demoRescueOrganisation();
    return organisation({ ...seed, account: { ...seed.account, technicianLicences: 3, mobileLicences: 1 } });
  }

  it("creating or enabling beyond the licence count fails; disabling frees the seat and the mobile add-on", () => {
    const { org } = tight();
    const tier1 = group(org, "Support Tier 1");
    expect(org.enabledTechnicians()).toBe(2);
    expect(createTechnician(org, tier1, "third@example.com")).toBe("OK");
    expect(createTechnician(org, tier1, "fourth@example.com")).toBe(LICENCE_LIMIT);
    const casey = org.findByEmail("casey.old@contoso-demo.example")[0]!;
    expect(org.setEnabledByHand(casey.id, true)).toBe(LICENCE_LIMIT);
    const alex = org.findByEmail("alex.morgan@contoso-demo.example")[0]!;
    expect(alex.mobileAddon).toBe(true);
    expect(org.setEnabledByHand(alex.id, false)).toBe("OK");
    expect(alex.mobileAddon).toBe(false);
    expect(org.setEnabledByHand(casey.id, true)).toBe("OK");
  });

  it("the mobile add-on needs a free mobile licence", () => {
    const { org } = tight();
    const jordan = org.findByEmail("jordan.lee@contoso-demo.example")[0]!;
    const result = org.setUser(
      mah(org),
      {
        node: String(jordan.id),
        name: "J",
        email: jordan.email,
        status: "Enabled",
        mobileaddon: "True",
        rpataddon: "False",
      },
      true,
    );
    expect(result).toEqual({ code: "MOBILELICENSELIMITREACHED" });
  });

  it("createUsers counts seats across the batch", () => {
    const { org } = tight();
    const tier1 = group(org, "Support Tier 1");
    const result = org.createUsers(mah(org), {
      ...userRow(0, tier1),
      ...userRow(1, tier1),
      ...userRow(2, tier1, { status: "Disabled" }),
    });
    expect("blocks" in result && result.blocks.map((b) => b[2]![1])).toEqual(["OK", LICENCE_LIMIT, "OK"]);
  });
});

describe("createUsers", () => {
  it("is for Master Administrators only and takes at most 1000 users", () => {
    const { org } = organisation();
    const tier1 = group(org, "Support Tier 1");
    const sam = org.findByEmail("sam.admin@contoso-demo.example")[0]!;
    expect(org.createUsers(sam, userRow(0, tier1))).toEqual({ code: "NOTLOGGEDINASMASTERADMIN" });
    expect(org.createUsers(mah(org), {})).toEqual({ code: "INVALIDPARAM_USERDATA" });
  });

  it("accepts the bracketed field encoding too", () => {
    const { org } = organisation();
    const tier1 = group(org, "Support Tier 1");
    const params = Object.fromEntries(
      Object.entries(userRow(0, tier1)).map(([k, v]) => [k.replace(/\.(\w+)$/, "[$1]"), v]),
    );
    expect(org.createUsers(mah(org), params)).toMatchObject({
      blocks: [
        [
          ["UniqueID", "u0"],
          ["NodeID", expect.any(Number)],
          ["Result", "OK"],
        ],
      ],
    });
  });
});

describe("sessions, login limit and authcodes", () => {
  it("expires a session after 20 idle minutes", () => {
    const { org, advance } = organisation();
    const { sessionId } = org.login({ email: DEMO_RESCUE_CONNECTION.email, pwd: DEMO_RESCUE_CONNECTION.password });
    advance(19 * 60_000);
    expect("caller" in org.authenticate({}, sessionId, null)).toBe(true);
    advance(19 * 60_000);
    expect("caller" in org.authenticate({}, sessionId, null)).toBe(true);
    advance(20 * 60_000);
    expect(org.authenticate({}, sessionId, null)).toEqual({ code: "NOTLOGGEDIN" });
    expect(org.authenticate({}, undefined, null)).toEqual({ code: "NOTLOGGEDIN" });
  });

  it("drops a session after N calls when told to", () => {
    const { org } = organisation();
    const { sessionId } = org.login({ email: DEMO_RESCUE_CONNECTION.email, pwd: DEMO_RESCUE_CONNECTION.password });
    expect("caller" in org.authenticate({}, sessionId, 2)).toBe(true);
    expect("caller" in org.authenticate({}, sessionId, 2)).toBe(true);
    expect(org.authenticate({}, sessionId, 2)).toEqual({ code: "NOTLOGGEDIN" });
  });

  it("answers LIMITREACHED after 10 logins in 3 minutes, and INVALID for bad credentials", () => {
    const { org, advance } = organisation();
    const credentials = { email: DEMO_RESCUE_CONNECTION.email, pwd: DEMO_RESCUE_CONNECTION.password };
    expect(org.login({ ...credentials, pwd: "wrong" }).code).toBe("INVALID");
    for (let i = 0; i < 9; i++) expect(org.login(credentials).code).toBe("OK");
    expect(org.login(credentials).code).toBe("LIMITREACHED");
    advance(3 * 60_000);
    expect(org.login(credentials).code).toBe("OK");
  });

  it("a new authcode replaces the old one", () => {
    const { org } = organisation();
    expect("caller" in org.authenticate({ authcode: DEMO_RESCUE_CONNECTION.apiToken }, undefined, null)).toBe(true);
    const issued = org.requestAuthCode({ email: DEMO_RESCUE_CONNECTION.email, pwd: DEMO_RESCUE_CONNECTION.password });
    expect(issued.authCode).toMatch(/^[a-z0-9]{79}$/);
    expect(org.authenticate({ authcode: DEMO_RESCUE_CONNECTION.apiToken }, undefined, null)).toEqual({
      code: "INVALID_SECRETAUTHCODE",
    });
    expect("caller" in org.authenticate({ authcode: issued.authCode! }, undefined, null)).toBe(true);
  });

  it("answers USER_DELETED_OR_DISABLED for a disabled caller", () => {
    const { org } = organisation();
    mah(org).enabled = false;
    expect(org.authenticate({ authcode: DEMO_RESCUE_CONNECTION.apiToken }, undefined, null)).toEqual({
      code: "USER_DELETED_OR_DISABLED",
    });
  });
});
