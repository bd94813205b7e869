import type { DirectoryUser, GroupMapping, Link, RescueNode } from "../domain";
import type { PlanInput, SyncAction } from "../plan";
import {
  administratorNode,
  defaultFields,
  directorySnapshot,
  directoryUser,
  groupMapping,
  rescueTree,
  technicianNode,
} from "../testing";
import { planRun } from "./plan-run";

const GROUP_A = 10;
const GROUP_B = 11;

function plan(
  members: Record<string, DirectoryUser[]>,
  options: { mappings?: GroupMapping[]; tree?: RescueNode[]; links?: Link[]; settings?: PlanInput["settings"] } = {},
) {
  return planRun({
    mappings: options.mappings ?? [groupMapping("m1", "g1", GROUP_A)],
    directory: directorySnapshot(members),
    tree: options.tree ?? rescueTree([GROUP_A, GROUP_B]),
    links: options.links ?? [],
    ...(options.settings ? { settings: options.settings } : {}),
  });
}

const kinds = (actions: SyncAction[]) => actions.map((a) => `${a.kind}:${a.entraUserId}`);

describe("rule 1: a member of a mapped group who passes the filter is in scope", () => {
  it("creates a technician for every member of the mapped group", () => {
    const result = plan({ m1: [directoryUser("u1"), directoryUser("u2")] });
    expect(kinds(result.actions)).toEqual(["create:u1", "create:u2"]);
    expect(result.usersInScope).toBe(2);
    // nothing was held, so nothing is released
    expect(result.releasedHolds).toEqual([]);
  });

  it.each([
    ["equals", "SUPPORT", "support", true],
    ["equals", "support", "support desk", false],
    ["contains", "PORT", "Support Desk", true],
    ["contains", "sales", "Support Desk", false],
    ["startsWith", "sup", "Support Desk", true],
    ["startsWith", "desk", "Support Desk", false],
    ["endsWith", "DESK", "Support Desk", true],
    ["endsWith", "sup", "Support Desk", false],
  ] as const)(
    "filter %s %j against department %j → in scope: %s (case-insensitive)",
    (operator, value, department, inScope) => {
      const result = plan(
        { m1: [directoryUser("u1", { department })] },
        { mappings: [groupMapping("m1", "g1", GROUP_A, { filter: { attribute: "department", operator, value } })] },
      );
      expect(kinds(result.actions)).toEqual(inScope ? ["create:u1"] : []);
    },
  );

  it("a user without the filtered attribute is out of scope", () => {
    const result = plan(
      { m1: [directoryUser("u1", { department: null })] },
      {
        mappings: [
          groupMapping("m1", "g1", GROUP_A, { filter: { attribute: "department", operator: "contains", value: "" } }),
        ],
      },
    );
    expect(result.actions).toEqual([]);
  });

  it("refuses to plan when a mapping's members were not read, rather than disable everyone", () => {
    expect(() => plan({})).toThrow(/no members for mapping m1/);
  });
});

describe("rule 2: in scope, no link, no technician with that email → create in the mapped group", () => {
  it("creates with name, nick, email and SSO id from the user", () => {
    const user = directoryUser("u1");
    const result = plan({ m1: [user] });
    expect(result.actions).toEqual([
      expect.objectContaining({
        kind: "create",
        id: "create:u1",
        entraUserId: "u1",
        mappingId: "m1",
        rescueGroupId: GROUP_A,
        fields: { name: "User u1", nick: "Givenu1", email: "u1@example.com", ssoId: "u1@corp.example.com" },
      }),
    ]);
  });

  it("falls back to the mail's local part for the nick and to the UPN for the email", () => {
    const noGiven = directoryUser("u1", { givenName: null, mail: "Ann.Lee@example.com" });
    const noMail = directoryUser("u2", { mail: null, givenName: "  " });
    const result = plan({ m1: [noGiven, noMail] });
    const fields = result.actions.map((a) => (a.kind === "create" ? a.fields : undefined));
    expect(fields).toEqual([
      { name: "User u1", nick: "Ann.Lee", email: "Ann.Lee@example.com", ssoId: "u1@corp.example.com" },
      { name: "User u2", nick: "", email: "u2@corp.example.com", ssoId: "u2@corp.example.com" },
    ]);
  });

  it("honours the tenant's attribute mapping overrides", () => {
    const user = directoryUser("u1", { employeeId: "E-42" });
    const result = plan(
      { m1: [user] },
      { settings: { attributeMapping: { ssoId: ["employeeId"], name: ["surname", "displayName"] } } },
    );
    expect(result.actions[0]).toMatchObject({ kind: "create", fields: { name: "Doe", ssoId: "E-42" } });
  });

  it("does not create a technician for a user disabled in Entra", () => {
    expect(plan({ m1: [directoryUser("u1", { accountEnabled: false })] }).actions).toEqual([]);
  });

  it("turns values Rescue would refuse into warnings on that one user, not a failed plan", () => {
    const result = plan({
      m1: [
        directoryUser("u1", { displayName: "x".repeat(129) }),
        directoryUser("u2", { mail: null, userPrincipalName: "" }),
        directoryUser("u3", { mail: "not an email" }),
        directoryUser("u4", { displayName: null }),
        directoryUser("u5"),
      ],
    });
    expect(kinds(result.actions)).toEqual(["create:u5"]);
    expect(result.warnings.map((w) => [w.entraUserId, w.code, w.field])).toEqual([
      ["u1", "field-too-long", "name"],
      ["u2", "missing-email", "email"],
      ["u3", "invalid-email", "email"],
      ["u4", "missing-name", "name"],
    ]);
  });

  it("warns when the mapped Rescue group does not exist, and plans the create there as one that will fail", () => {
    const result = plan({ m1: [directoryUser("u1")] }, { mappings: [groupMapping("m1", "g1", 999)] });
    expect(result.actions).toEqual([
      expect.objectContaining({
        kind: "create",
        rescueGroupId: 999,
        groupMissing: true,
        rescueGroup: { id: 999, name: null },
      }),
    ]);
    expect(result.warnings.map((w) => w.code)).toEqual(["rescue-group-missing"]);
  });
});

describe("rule 3: in scope, no link, a technician with that email exists → adopt, never a duplicate", () => {
  it("adopts a technician with the same email anywhere in the tree, trimmed and case-insensitively", () => {
    const user = directoryUser("u1", { mail: "Ann@Example.com" });
    const existing = technicianNode(50, GROUP_B, { name: "User u1", email: "  ann@example.COM " });
    const result = plan({ m1: [user] }, { tree: rescueTree([GROUP_A, GROUP_B], [existing]) });
    expect(result.actions.filter((a) => a.kind === "create")).toEqual([]);
    expect(result.actions[0]).toMatchObject({ kind: "adopt", entraUserId: "u1", rescueNodeId: 50, mappingId: "m1" });
  });

  it("then updates the fields the tree cannot tell (nick and SSO id) and enables it (rules 4–5)", () => {
    const user = directoryUser("u1");
    const existing = technicianNode(50, GROUP_A, { name: "User u1", email: "u1@example.com" }, { status: "disabled" });
    const result = plan({ m1: [user] }, { tree: rescueTree([GROUP_A], [existing]) });
    expect(kinds(result.actions)).toEqual(["adopt:u1", "update:u1", "enable:u1"]);
    const update = result.actions.find((a) => a.kind === "update");
    expect(update).toMatchObject({
      rescueNodeId: 50,
      fields: defaultFields(user),
      changes: [
        { field: "nick", before: null, after: "Givenu1" },
        { field: "ssoId", before: null, after: "u1@corp.example.com" },
      ],
    });
  });

  it("lets the link remember the key data when nothing needs writing", () => {
    const user = directoryUser("u1");
    const existing: RescueNode = {
      ...technicianNode(50, GROUP_A, { name: "User u1", email: "u1@example.com" }),
      nick: "Givenu1",
      ssoId: "u1@corp.example.com",
    };
    const result = plan({ m1: [user] }, { tree: rescueTree([GROUP_A], [existing]) });
    expect(result.actions).toEqual([expect.objectContaining({ kind: "adopt", fields: defaultFields(user) })]);
  });

  it("never adopts a technician linked to another user, nor creates a duplicate of it", () => {
    const taken = technicianNode(50, GROUP_A, { name: "User u1", email: "shared@example.com" });
    const result = plan(
      { m1: [directoryUser("u1", { mail: "shared@example.com" }), directoryUser("u2")] },
      { tree: rescueTree([GROUP_A], [taken]), links: [{ entraUserId: "other", rescueNodeId: 50 }] },
    );
    expect(kinds(result.actions)).toEqual(["create:u2", "disable:other"]);
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: "email-in-use", entraUserId: "u1" }));
  });

  it("never gives one email to two users: duplicates among directory users are warned and left alone", () => {
    const result = plan({
      m1: [directoryUser("u1", { mail: "Same@example.com" }), directoryUser("u2", { mail: "same@example.com " })],
    });
    expect(result.actions).toEqual([]);
    expect(result.warnings.map((w) => [w.entraUserId, w.code])).toEqual([
      ["u1", "duplicate-email"],
      ["u2", "duplicate-email"],
    ]);
  });
});

describe("rule 4: linked → update only the key data that changed in Entra", () => {
  const user = directoryUser("u1", { displayName: "Ann Lee (new)" });
  const node = technicianNode(50, GROUP_A, { name: "Ann Lee", email: "u1@example.com" });
  const remembered: Link = { entraUserId: "u1", rescueNodeId: 50, fields: { ...defaultFields(user), name: "Ann Lee" } };

  it("plans an update of just the changed field, with before and after", () => {
    const result = plan({ m1: [user] }, { tree: rescueTree([GROUP_A], [node]), links: [remembered] });
    expect(result.actions).toEqual([
      expect.objectContaining({
        kind: "update",
        rescueNodeId: 50,
        changes: [{ field: "name", before: "Ann Lee", after: "Ann Lee (new)" }],
        fields: defaultFields(user),
        stage: 0,
      }),
    ]);
  });

  it("plans nothing when nothing changed (the link remembers nick and SSO id)", () => {
    const same = { ...node, name: "Ann Lee (new)" };
    const result = plan({ m1: [user] }, { tree: rescueTree([GROUP_A], [same]), links: [remembered] });
    expect(result.actions).toEqual([]);
  });

  it("prefers the tree's value over the link's where the tree has one", () => {
    const treeKnowsNick = { ...node, name: "Ann Lee (new)", nick: "Changed by admin" };
    const result = plan({ m1: [user] }, { tree: rescueTree([GROUP_A], [treeKnowsNick]), links: [remembered] });
    expect(result.actions[0]).toMatchObject({
      kind: "update",
      changes: [{ field: "nick", before: "Changed by admin", after: "Givenu1" }],
    });
  });

  it("writes fields neither the tree nor the link knows", () => {
    const same = { ...node, name: "Ann Lee (new)" };
    const result = plan(
      { m1: [user] },
      { tree: rescueTree([GROUP_A], [same]), links: [{ entraUserId: "u1", rescueNodeId: 50 }] },
    );
    expect(result.actions[0]).toMatchObject({
      kind: "update",
      changes: [
        { field: "nick", before: null },
        { field: "ssoId", before: null },
      ],
    });
  });

  it("does not treat a change of case in the email as a change, and keeps Rescue's spelling", () => {
    const upper = directoryUser("u1", { mail: "U1@EXAMPLE.COM", displayName: "Ann Lee (new)" });
    const result = plan({ m1: [upper] }, { tree: rescueTree([GROUP_A], [node]), links: [remembered] });
    expect(result.actions).toEqual([
      expect.objectContaining({
        changes: [expect.objectContaining({ field: "name" })],
        fields: expect.objectContaining({ email: "u1@example.com" }),
      }),
    ]);
    expect(result.warnings).toEqual([]);
  });

  it("orders a chain of email changes so the freed email is taken one stage later", () => {
    // u1 takes the email u2 gives up in the same run
    const u1 = directoryUser("u1", { mail: "b@example.com" });
    const u2 = directoryUser("u2", { mail: "c@example.com" });
    const tree = rescueTree(
      [GROUP_A],
      [
        technicianNode(50, GROUP_A, { name: "User u1", email: "a@example.com" }),
        technicianNode(51, GROUP_A, { name: "User u2", email: "b@example.com" }),
      ],
    );
    const links: Link[] = [
      { entraUserId: "u1", rescueNodeId: 50, fields: { ...defaultFields(u1), email: "a@example.com" } },
      { entraUserId: "u2", rescueNodeId: 51, fields: { ...defaultFields(u2), email: "b@example.com" } },
    ];
    const result = plan({ m1: [u1, u2] }, { tree, links });
    expect(result.actions.map((a) => (a.kind === "update" ? [a.entraUserId, a.stage] : null))).toEqual([
      ["u1", 1],
      ["u2", 0],
    ]);
  });

  it("leaves the email of two technicians that would swap emails, with a warning, and updates the rest", () => {
    const u1 = directoryUser("u1", { mail: "b@example.com", displayName: "New" });
    const u2 = directoryUser("u2", { mail: "a@example.com" });
    const tree = rescueTree(
      [GROUP_A],
      [
        technicianNode(50, GROUP_A, { name: "User u1", email: "a@example.com" }),
        technicianNode(51, GROUP_A, { name: "User u2", email: "b@example.com" }),
      ],
    );
    const links: Link[] = [
      {
        entraUserId: "u1",
        rescueNodeId: 50,
        fields: { ...defaultFields(u1), name: "User u1", email: "a@example.com" },
      },
      { entraUserId: "u2", rescueNodeId: 51, fields: { ...defaultFields(u2), email: "b@example.com" } },
    ];
    const result = plan({ m1: [u1, u2] }, { tree, links });
    expect(result.actions).toEqual([
      expect.objectContaining({
        kind: "update",
        entraUserId: "u1",
        changes: [{ field: "name", before: "User u1", after: "New" }],
        fields: expect.objectContaining({ email: "a@example.com" }),
      }),
    ]);
    expect(
      result.warnings.filter((w) => w.code === "email-in-use").map((w) => [w.entraUserId, w.rescueNodeId, w.field]),
    ).toEqual([
      ["u1", 50, "email"],
      ["u2", 51, "email"],
    ]);
  });
});

describe("rule 5: enable a disabled technician of an enabled user; disable the technician of a disabled user", () => {
  const tree = (status: "enabled" | "disabled") =>
    rescueTree([GROUP_A], [technicianNode(50, GROUP_A, { name: "User u1", email: "u1@example.com" }, { status })]);
  const links = [{ entraUserId: "u1", rescueNodeId: 50, fields: defaultFields(directoryUser("u1")) }];

  it("enables when linked, disabled in Rescue, enabled and in scope in Entra", () => {
    const result = plan({ m1: [directoryUser("u1")] }, { tree: tree("disabled"), links });
    expect(result.actions).toEqual([expect.objectContaining({ kind: "enable", rescueNodeId: 50 })]);
  });

  it("disables when the user is disabled in Entra, with that reason", () => {
    const result = plan({ m1: [directoryUser("u1", { accountEnabled: false })] }, { tree: tree("enabled"), links });
    expect(result.actions).toEqual([
      expect.objectContaining({ kind: "disable", rescueNodeId: 50, disableReason: "disabled-in-entra" }),
    ]);
  });

  it("does nothing when both sides already agree", () => {
    expect(plan({ m1: [directoryUser("u1")] }, { tree: tree("enabled"), links }).actions).toEqual([]);
    expect(
      plan({ m1: [directoryUser("u1", { accountEnabled: false })] }, { tree: tree("disabled"), links }).actions,
    ).toEqual([]);
  });
});

describe("rule 6: a linked technician out of every mapping's scope is disabled, never deleted", () => {
  const tree = (status: "enabled" | "disabled") =>
    rescueTree([GROUP_A], [technicianNode(50, GROUP_A, { name: "User gone", email: "gone@example.com" }, { status })]);
  const links = [{ entraUserId: "gone", rescueNodeId: 50 }];

  it("disables it with the reason out-of-scope", () => {
    const result = plan({ m1: [] }, { tree: tree("enabled"), links });
    expect(result.actions).toEqual([
      expect.objectContaining({
        kind: "disable",
        entraUserId: "gone",
        rescueNodeId: 50,
        disableReason: "out-of-scope",
      }),
    ]);
  });

  it("names the technician as Rescue knows it, since the user may be gone from Entra", () => {
    const [action] = plan({ m1: [] }, { tree: tree("enabled"), links }).actions;
    expect(action?.subject).toEqual({ name: "User gone", email: "gone@example.com" });
  });

  it("leaves an already-disabled technician out of scope alone", () => {
    expect(plan({ m1: [] }, { tree: tree("disabled"), links }).actions).toEqual([]);
  });

  it("treats a user filtered out of the mapping as out of scope", () => {
    const result = plan(
      { m1: [directoryUser("gone", { department: "Sales", mail: "gone@example.com" })] },
      {
        tree: tree("enabled"),
        links,
        mappings: [
          groupMapping("m1", "g1", GROUP_A, {
            filter: { attribute: "department", operator: "equals", value: "Support" },
          }),
        ],
      },
    );
    expect(result.actions).toEqual([expect.objectContaining({ kind: "disable", disableReason: "out-of-scope" })]);
  });

  it("drops a link whose technician an admin deleted, and creates the user afresh", () => {
    const result = plan(
      { m1: [directoryUser("u1")] },
      { tree: rescueTree([GROUP_A]), links: [{ entraUserId: "u1", rescueNodeId: 77 }] },
    );
    expect(result.staleLinks).toEqual([{ entraUserId: "u1", rescueNodeId: 77 }]);
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: "linked-node-missing", rescueNodeId: 77 }));
    expect(kinds(result.actions)).toEqual(["create:u1"]);
  });
});

describe("rule 7: a technician an admin moved to another group stays where it is", () => {
  it("updates and enables it where it is, with no action that names a group", () => {
    const user = directoryUser("u1", { displayName: "Renamed" });
    const moved = technicianNode(50, GROUP_B, { name: "User u1", email: "u1@example.com" }, { status: "disabled" });
    const result = plan(
      { m1: [user] },
      {
        tree: rescueTree([GROUP_A, GROUP_B], [moved]),
        links: [{ entraUserId: "u1", rescueNodeId: 50, fields: defaultFields(directoryUser("u1")) }],
      },
    );
    expect(kinds(result.actions)).toEqual(["update:u1", "enable:u1"]);
    for (const action of result.actions) {
      expect(action).not.toHaveProperty("rescueGroupId");
      expect(action).toHaveProperty("rescueNodeId", 50);
    }
  });
});

describe("rule 8: a user in scope of several mappings is created in the lowest priority number's group", () => {
  it("picks the lowest priority number whatever the order of the mappings", () => {
    const mappings = [
      groupMapping("late", "g2", GROUP_B, { priority: 20 }),
      groupMapping("early", "g1", GROUP_A, { priority: 5 }),
    ];
    const members = { late: [directoryUser("u1")], early: [directoryUser("u1")] };
    for (const order of [mappings, [...mappings].reverse()]) {
      const result = plan(members, { mappings: order });
      expect(result.actions).toEqual([
        expect.objectContaining({ kind: "create", mappingId: "early", rescueGroupId: GROUP_A }),
      ]);
    }
  });

  it("skips a mapping whose group does not exist for the next one", () => {
    const mappings = [
      groupMapping("first", "g1", 999, { priority: 1 }),
      groupMapping("second", "g2", GROUP_B, { priority: 2 }),
    ];
    const result = plan({ first: [directoryUser("u1")], second: [directoryUser("u1")] }, { mappings });
    expect(result.actions).toEqual([expect.objectContaining({ kind: "create", rescueGroupId: GROUP_B })]);
  });
});

describe("rule 9: Rescue refusing an action fails that one action (caught early where the planner can)", () => {
  it("warns instead of planning a create whose email belongs to an administrator", () => {
    const result = plan(
      { m1: [directoryUser("u1", { mail: "boss@example.com" }), directoryUser("u2")] },
      { tree: rescueTree([GROUP_A], [administratorNode(60, "Boss@Example.com")]) },
    );
    expect(kinds(result.actions)).toEqual(["create:u2"]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: "email-belongs-to-administrator", entraUserId: "u1" }),
    ]);
  });
});

describe("rule 11: safety threshold", () => {
  const linkedTechnicians = (count: number) => {
    const nodes = Array.from({ length: count }, (_, i) =>
      technicianNode(100 + i, GROUP_A, { name: `User u${i}`, email: `u${i}@example.com` }),
    );
    const links = nodes.map((node, i) => ({ entraUserId: `u${i}`, rescueNodeId: node.id }));
    return { tree: rescueTree([GROUP_A], nodes), links };
  };
  const stayingUsers = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => directoryUser(`u${from + i}`));

  it("allows at least 5 disables however few technicians are linked", () => {
    const { tree, links } = linkedTechnicians(6);
    expect(plan({ m1: stayingUsers(1, 6) }, { tree, links }).status).toBe("ready");
    const five = plan({ m1: stayingUsers(5, 6) }, { tree, links });
    expect(five.safety).toEqual({ disableCount: 5, linkedCount: 6, allowed: 5, blocked: false });
    const six = plan({ m1: [] }, { tree, links });
    expect(six.status).toBe("blocked");
    expect(six.safety).toEqual({ disableCount: 6, linkedCount: 6, allowed: 5, blocked: true });
  });

  it("allows 10 % of linked technicians by default, and blocks one more", () => {
    const { tree, links } = linkedTechnicians(100);
    expect(plan({ m1: stayingUsers(10, 100) }, { tree, links }).status).toBe("ready");
    const blocked = plan({ m1: stayingUsers(11, 100) }, { tree, links });
    expect(blocked.status).toBe("blocked");
    expect(blocked.safety).toMatchObject({ disableCount: 11, allowed: 10 });
  });

  it("uses the tenant's threshold", () => {
    const { tree, links } = linkedTechnicians(100);
    const settings = { safetyThreshold: { percent: 50, minimum: 1 } };
    expect(plan({ m1: stayingUsers(50, 100) }, { tree, links, settings }).status).toBe("ready");
    expect(plan({ m1: stayingUsers(51, 100) }, { tree, links, settings }).status).toBe("blocked");
  });
});

describe("plan is independent of the order of its inputs", () => {
  it("sorts actions by kind then user, and ties of priority by mapping id", () => {
    const mappings = [
      groupMapping("b", "g2", GROUP_B, { priority: 1 }),
      groupMapping("a", "g1", GROUP_A, { priority: 1 }),
    ];
    const one = plan({ a: [directoryUser("u2"), directoryUser("u1")], b: [directoryUser("u1")] }, { mappings });
    const two = plan(
      { b: [directoryUser("u1")], a: [directoryUser("u1"), directoryUser("u2")] },
      { mappings: [...mappings].reverse() },
    );
    expect(one).toEqual(two);
    expect(one.actions.map((a) => (a.kind === "create" ? [a.entraUserId, a.mappingId] : null))).toEqual([
      ["u1", "a"],
      ["u2", "a"],
    ]);
  });
});

describe("every planned action says who it is about (the portal's action table and the sync log)", () => {
  it("names the Entra user on create, adopt, update, enable and disable", () => {
    const users = [
      directoryUser("new", { displayName: "New Person", mail: "new@example.com" }),
      directoryUser("adopted", { displayName: "Adopted Person", mail: "adopted@example.com" }),
      directoryUser("off", { displayName: "Disabled Person", mail: "off@example.com", accountEnabled: false }),
    ];
    const tree = rescueTree(
      [GROUP_A],
      [
        technicianNode(60, GROUP_A, { name: "Old name", email: "adopted@example.com" }, { status: "disabled" }),
        technicianNode(61, GROUP_A, { name: "Disabled Person", email: "off@example.com" }),
      ],
    );
    const result = plan({ m1: users }, { tree, links: [{ entraUserId: "off", rescueNodeId: 61 }] });
    const kindsSeen = new Set(result.actions.map((a) => a.kind));
    expect([...kindsSeen].sort()).toEqual(["adopt", "create", "disable", "enable", "update"]);
    for (const action of result.actions) {
      const user = users.find((u) => u.id === action.entraUserId)!;
      expect(action.subject).toEqual({ name: user.displayName, email: user.mail });
    }
  });

  it("shows the email the technician gets under the tenant's attribute mapping, not the user's mail", () => {
    const result = plan(
      { m1: [directoryUser("u1", { mail: "ann@example.com" })] },
      { settings: { attributeMapping: { email: ["userPrincipalName"] } } },
    );
    expect(result.actions[0]?.subject).toEqual({ name: "User u1", email: "u1@corp.example.com" });
  });
});

describe("rule 16: a non-empty SSO id in Rescue is kept unless the tenant chose Entra as its source", () => {
  const user = directoryUser("u1");
  const desired = defaultFields(user);
  const linked = (ssoId: string | undefined, settings?: PlanInput["settings"]) =>
    plan(
      { m1: [user] },
      {
        tree: rescueTree(
          [GROUP_A],
          [
            technicianNode(
              100,
              GROUP_A,
              { name: desired.name, email: desired.email },
              { nick: desired.nick, ...(ssoId === undefined ? {} : { ssoId }) },
            ),
          ],
        ),
        links: [{ entraUserId: "u1", rescueNodeId: 100 }],
        ...(settings ? { settings } : {}),
      },
    );

  it("keeps a different, non-empty SSO id: no update at all (default source: Rescue)", () => {
    const result = linked("legacy-subject", undefined);
    expect(result.actions).toEqual([]);
  });

  it("fills an empty SSO id from Entra", () => {
    const [update] = linked("").actions;
    expect(update).toMatchObject({
      kind: "update",
      changes: [{ field: "ssoId", before: "", after: desired.ssoId }],
      keepSsoIdIfSet: true,
    });
  });

  it("an SSO id the planner cannot see (getHierarchy_v2 has none) is written only if empty: the write checks", () => {
    const [update] = linked(undefined).actions;
    expect(update).toMatchObject({ kind: "update", keepSsoIdIfSet: true, fields: desired });
  });

  it("with Entra as the source, a different SSO id is overwritten", () => {
    const [update] = linked("legacy-subject", { ssoIdSource: "entra" }).actions;
    expect(update).toMatchObject({
      kind: "update",
      changes: [{ field: "ssoId", before: "legacy-subject", after: desired.ssoId }],
    });
    expect(update).not.toHaveProperty("keepSsoIdIfSet");
  });

  it("adopting a technician with an SSO id keeps it, and the adoption remembers it", () => {
    const result = plan(
      { m1: [user] },
      { tree: rescueTree([GROUP_A], [technicianNode(100, GROUP_B, desired, { nick: desired.nick, ssoId: "idp-7" })]) },
    );
    expect(kinds(result.actions)).toEqual(["adopt:u1"]);
    expect(result.actions[0]).toMatchObject({ fields: { ...desired, ssoId: "idp-7" } });
  });
});

describe("unknown return codes: a refused action is held while its input is unchanged", () => {
  const user = directoryUser("u1");
  const tree = rescueTree([GROUP_A], [technicianNode(100, GROUP_A, { name: "Old name", email: "u1@example.com" })]);
  const links: Link[] = [{ entraUserId: "u1", rescueNodeId: 100 }];
  const first = plan({ m1: [user] }, { tree, links });
  const update = first.actions.find((a) => a.kind === "update")!;
  const hold = {
    actionId: update.id,
    inputFingerprint: update.inputFingerprint!,
    code: "SOMETHING_NEW",
    message: "Rescue setUser_v2 answered SOMETHING_NEW",
  };

  it("every planned action carries the fingerprint of what it would write", () => {
    expect(update.inputFingerprint).toContain('"update",100');
    expect(update.inputFingerprint).toContain(user.displayName);
  });

  it("holds the same action with the same input: no action, a warning naming the code", () => {
    const result = planRun({
      mappings: [groupMapping("m1", "g1", GROUP_A)],
      directory: directorySnapshot({ m1: [user] }),
      tree,
      links,
      heldActions: [hold],
    });
    expect(result.actions.filter((a) => a.kind === "update")).toEqual([]);
    expect(result.counts.update).toBe(0);
    expect(result.warnings).toContainEqual(
      expect.objectContaining({
        code: "action-held",
        actionId: update.id,
        refusalCode: "SOMETHING_NEW",
        entraUserId: "u1",
      }),
    );
    expect(result.releasedHolds).toEqual([]);
  });

  it("lets it go when the input changes (here the name), and releases the hold", () => {
    const result = planRun({
      mappings: [groupMapping("m1", "g1", GROUP_A)],
      directory: directorySnapshot({ m1: [{ ...user, displayName: "Newer name" }] }),
      tree,
      links,
      heldActions: [hold],
    });
    expect(kinds(result.actions)).toEqual(["update:u1"]);
    expect(result.warnings.some((w) => w.code === "action-held")).toBe(false);
    expect(result.releasedHolds).toEqual([update.id]);
  });

  it("releases a hold whose action is no longer planned (the user left scope, say)", () => {
    const result = planRun({
      mappings: [groupMapping("m1", "g1", GROUP_A)],
      directory: directorySnapshot({ m1: [] }),
      tree,
      links,
      heldActions: [hold],
    });
    expect(kinds(result.actions)).toEqual(["disable:u1"]);
    expect(result.releasedHolds).toEqual([update.id]);
  });
});

describe("a large plan stays small in memory", () => {
  it("the creates of one pair share one cause and one group (one copy per pair, not per action)", () => {
    const result = plan(
      { m1: [directoryUser("u1"), directoryUser("u2")], m2: [directoryUser("u3")] },
      { mappings: [groupMapping("m1", "g1", GROUP_A), groupMapping("m2", "g2", GROUP_B, { priority: 2 })] },
    );
    const [first, second, third] = result.actions;
    expect(kinds(result.actions)).toEqual(["create:u1", "create:u2", "create:u3"]);
    expect(second!.cause).toBe(first!.cause);
    expect(second!.rescueGroup).toBe(first!.rescueGroup);
    // each pair its own, worded for it
    expect(third!.cause).not.toBe(first!.cause);
    expect(third!.cause?.pair?.mappingId).toBe("m2");
    expect(third!.rescueGroup?.id).toBe(GROUP_B);
  });
});
