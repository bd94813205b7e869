import type { DirectoryUser, GroupMapping, Link, RescueNode, TenantSyncSettings } from "../domain";
import type { HeldAction } from "../plan";
import { directorySnapshot, directoryUser, groupMapping, rescueTree, technicianNode } from "../testing";
import { decideActions } from "./decide";
import { compileFieldDerivation, resolveFieldRules } from "./derive-technician-fields";
import { guardFields } from "./guard";
import { indexRescue, isTechnicianGroup, matchUsers } from "./match";
import { scopeUsers } from "./scope";

const GROUP_A = 10;
const GROUP_B = 11;

/** The phases before decide, run for real: decide's inputs as planRun hands them over. */
function decide(
  members: DirectoryUser[],
  options: {
    nodes?: RescueNode[];
    links?: Link[];
    mappings?: GroupMapping[];
    ssoIdFromEntra?: boolean;
    heldActions?: HeldAction[];
    settings?: TenantSyncSettings;
  } = {},
) {
  const mappings = options.mappings ?? [groupMapping("m1", "g1", GROUP_A)];
  const index = indexRescue(rescueTree([GROUP_A, GROUP_B], options.nodes ?? []), options.links ?? []);
  const scope = scopeUsers({
    mappings,
    directory: directorySnapshot(Object.fromEntries(mappings.map((m) => [m.id, members]))),
    includeGuests: false,
    isTechnicianGroup: (id) => isTechnicianGroup(index, id),
  });
  const guarded = guardFields(scope.entries, compileFieldDerivation(resolveFieldRules(options.settings)));
  return decideActions({
    users: guarded.users,
    matches: matchUsers(index, guarded.users),
    inScope: scope.entries,
    index,
    ssoIdFromEntra: options.ssoIdFromEntra ?? false,
    heldActions: options.heldActions ?? [],
  });
}

const u1 = directoryUser("u1");
/** u1's technician as the tree shows it, and a link that remembers nick and SSO id as Entra has them. */
const node100 = (overrides: Partial<RescueNode> = {}) =>
  technicianNode(100, GROUP_B, { name: "User u1", email: "u1@example.com" }, overrides);
const link100 = (fields: Partial<NonNullable<Link["fields"]>> = {}): Link => ({
  entraUserId: "u1",
  rescueNodeId: 100,
  fields: { name: "User u1", nick: "Givenu1", email: "u1@example.com", ssoId: "u1@corp.example.com", ...fields },
});

describe("decide phase — rule 2: create in the mapped group", () => {
  it("creates with the derived fields in the group of the mapping that creates the user", () => {
    const { actions } = decide([u1]);
    expect(actions).toEqual([
      expect.objectContaining({
        kind: "create",
        mappingId: "m1",
        rescueGroupId: GROUP_A,
        fields: { name: "User u1", nick: "Givenu1", email: "u1@example.com", ssoId: "u1@corp.example.com" },
        subject: { name: "User u1", email: "u1@example.com" },
      }),
    ]);
  });

  it("creates nothing for a user disabled in Entra", () => {
    expect(decide([directoryUser("u1", { accountEnabled: false })]).actions).toEqual([]);
  });

  it("targets the first pair's missing group when none of the user's mappings has a Rescue group (a run fails it)", () => {
    const result = decide([u1], { mappings: [groupMapping("m1", "g1", 99)] });
    expect(result.actions).toEqual([
      expect.objectContaining({
        kind: "create",
        rescueGroupId: 99,
        groupMissing: true,
        rescueGroup: { id: 99, name: null },
      }),
    ]);
    expect(result.warnings).toEqual([]);
  });

  it("warns instead when the email belongs to a technician linked to another user", () => {
    const result = decide([u1], { nodes: [node100()], links: [{ entraUserId: "other", rescueNodeId: 100 }] });
    expect(result.actions.map((a) => a.id)).toEqual(["disable:other"]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: "email-in-use", entraUserId: "u1", rescueNodeId: 100, field: "email" }),
    ]);
  });
});

describe("decide phase — rules 3 and 13: adopt, writing nothing that is already right", () => {
  it("adopts an identical technician with no update; the adoption carries the known key data", () => {
    const node = node100({ nick: "Givenu1", ssoId: "u1@corp.example.com" });
    const { actions } = decide([u1], { nodes: [node] });
    expect(actions).toEqual([
      expect.objectContaining({
        kind: "adopt",
        rescueNodeId: 100,
        mappingId: "m1",
        fields: { name: "User u1", nick: "Givenu1", email: "u1@example.com", ssoId: "u1@corp.example.com" },
      }),
    ]);
  });

  it("adopts, then updates only what differs, and enables it where it is (rule 7: no group named)", () => {
    const node = node100({ name: "Old Name", nick: "Givenu1", ssoId: "u1@corp.example.com", status: "disabled" });
    const { actions } = decide([u1], { nodes: [node] });
    expect(actions.map((a) => a.id)).toEqual(["adopt:u1", "update:u1", "enable:u1"]);
    expect(actions[0]).not.toHaveProperty("fields");
    expect(actions[1]).toMatchObject({ changes: [{ field: "name", before: "Old Name", after: "User u1" }] });
    expect(actions.some((a) => "rescueGroupId" in a)).toBe(false);
  });
});

describe("decide phase — rule 4: linked → update only the key data that changed", () => {
  it("updates just the changed field, with before and after", () => {
    const { actions } = decide([directoryUser("u1", { displayName: "New Name" })], {
      nodes: [node100()],
      links: [link100()],
    });
    expect(actions).toEqual([
      expect.objectContaining({
        kind: "update",
        stage: 0,
        changes: [{ field: "name", before: "User u1", after: "New Name" }],
        fields: { name: "New Name", nick: "Givenu1", email: "u1@example.com", ssoId: "u1@corp.example.com" },
      }),
    ]);
  });

  it.each([
    ["name", { name: "Renamed by an admin" }, { field: "name", before: "Renamed by an admin", after: "User u1" }],
    ["email", { email: "admin@example.com" }, { field: "email", before: "admin@example.com", after: "u1@example.com" }],
  ] as const)(
    "sets back a %s an admin changed in Rescue: the tree wins over what the link remembers",
    (_f, tree, change) => {
      const { actions } = decide([u1], { nodes: [node100(tree)], links: [link100()] });
      expect(actions).toEqual([expect.objectContaining({ kind: "update", changes: [change] })]);
    },
  );

  it("writes all four fields to a linked technician Rescue shows blank, with nothing remembered", () => {
    const blank = node100({ name: "", email: "" });
    const { actions } = decide([u1], { nodes: [blank], links: [{ entraUserId: "u1", rescueNodeId: 100 }] });
    expect(actions).toEqual([
      expect.objectContaining({
        kind: "update",
        fields: { name: "User u1", nick: "Givenu1", email: "u1@example.com", ssoId: "u1@corp.example.com" },
        changes: [
          { field: "name", before: null, after: "User u1" },
          { field: "nick", before: null, after: "Givenu1" },
          { field: "email", before: null, after: "u1@example.com" },
          { field: "ssoId", before: null, after: "u1@corp.example.com" },
        ],
      }),
    ]);
  });

  it("compares with what the link remembers where the tree shows nothing, and keeps that email", () => {
    const blank = node100({ name: "", email: "", nick: "Givenu1" });
    const { actions, warnings } = decide([directoryUser("u1", { displayName: "New Name" })], {
      nodes: [blank],
      links: [link100()],
    });
    expect(actions).toEqual([
      expect.objectContaining({
        changes: [{ field: "name", before: "User u1", after: "New Name" }],
        fields: expect.objectContaining({ email: "u1@example.com" }),
      }),
    ]);
    expect(warnings).toEqual([]);
  });

  it("writes nothing when the email is unknown and another technician holds the user's (the port writes all four)", () => {
    const blank = node100({ name: "", email: "" });
    const holder = technicianNode(101, GROUP_A, { name: "Other", email: "u1@example.com" });
    const { actions, warnings } = decide([u1], {
      nodes: [blank, holder],
      links: [
        { entraUserId: "u1", rescueNodeId: 100 },
        { entraUserId: "other", rescueNodeId: 101 },
      ],
    });
    expect(actions.map((a) => a.id)).toEqual(["disable:other"]);
    expect(warnings).toEqual([
      expect.objectContaining({ code: "email-in-use", entraUserId: "u1", rescueNodeId: 100, field: "email" }),
    ]);
  });

  it("adopts a technician Rescue shows without a name, and writes the user's", () => {
    const { actions } = decide([u1], { nodes: [node100({ name: "" })] });
    expect(actions.map((a) => a.id)).toEqual(["adopt:u1", "update:u1"]);
    expect(actions[1]).toMatchObject({
      changes: expect.arrayContaining([{ field: "name", before: null, after: "User u1" }]),
    });
  });

  it("plans nothing for a change of case in the email (rule 13)", () => {
    const result = decide([directoryUser("u1", { mail: "U1@EXAMPLE.com" })], {
      nodes: [node100()],
      links: [link100()],
    });
    expect(result.actions).toEqual([]);
  });
});

describe("decide phase — rule 16: a non-empty SSO id in Rescue is kept unless Entra is its source", () => {
  const linked = { nodes: [node100()], links: [link100({ ssoId: "rescue-owned" })] };

  it("keeps Rescue's SSO id: no update at all", () => {
    expect(decide([u1], linked).actions).toEqual([]);
  });

  it("overwrites it when the tenant chose Entra as the source", () => {
    const { actions } = decide([u1], { ...linked, ssoIdFromEntra: true });
    expect(actions).toEqual([
      expect.objectContaining({ changes: [{ field: "ssoId", before: "rescue-owned", after: "u1@corp.example.com" }] }),
    ]);
  });

  it("sets back an SSO id an admin changed in Rescue when Entra is the source, whatever the link remembers", () => {
    const { actions } = decide([u1], {
      nodes: [node100({ nick: "Givenu1", ssoId: "admin-set" })],
      links: [link100()],
      ssoIdFromEntra: true,
    });
    expect(actions).toEqual([
      expect.objectContaining({ changes: [{ field: "ssoId", before: "admin-set", after: "u1@corp.example.com" }] }),
    ]);
  });

  it("rule 13: leaves an empty SSO id empty when the user has none to give", () => {
    const { actions } = decide([directoryUser("u1", { displayName: "New Name" })], {
      nodes: [node100({ nick: "Givenu1", ssoId: "" })],
      links: [link100({ ssoId: "" })],
      settings: { attributeMapping: { ssoId: ["employeeId"] } },
    });
    expect(actions).toEqual([
      expect.objectContaining({ changes: [{ field: "name", before: "User u1", after: "New Name" }] }),
    ]);
    expect(actions[0]).not.toHaveProperty("keepSsoIdIfSet");
  });

  it("writes an SSO id it cannot see only if Rescue's is empty: the write checks", () => {
    const { actions } = decide([u1], { nodes: [node100({ nick: "Givenu1" })] });
    expect(actions.find((a) => a.kind === "update")).toMatchObject({ keepSsoIdIfSet: true });
  });
});

describe("decide phase — rules 5 and 6: status", () => {
  it("enables a disabled technician of an enabled user in scope", () => {
    const { actions } = decide([u1], { nodes: [node100({ status: "disabled" })], links: [link100()] });
    expect(actions.map((a) => a.id)).toEqual(["enable:u1"]);
  });

  it("disables the technician of a user disabled in Entra, with that reason", () => {
    const { actions } = decide([directoryUser("u1", { accountEnabled: false })], {
      nodes: [node100()],
      links: [link100()],
    });
    expect(actions).toEqual([
      expect.objectContaining({ kind: "disable", id: "disable:u1", disableReason: "disabled-in-entra" }),
    ]);
  });

  it("disables a linked technician out of every mapping's scope, named as Rescue knows it, never deletes", () => {
    const { actions } = decide([], { nodes: [node100()], links: [link100()] });
    expect(actions).toEqual([
      expect.objectContaining({
        kind: "disable",
        disableReason: "out-of-scope",
        subject: { name: "User u1", email: "u1@example.com" },
      }),
    ]);
  });

  it("names a technician out of scope that Rescue shows without an email, and nothing remembered, by its name only", () => {
    const { actions } = decide([], {
      nodes: [node100({ email: null })],
      links: [{ entraUserId: "u1", rescueNodeId: 100 }],
    });
    expect(actions).toEqual([expect.objectContaining({ subject: { name: "User u1", email: null } })]);
  });

  it("leaves an already-disabled technician out of scope alone", () => {
    expect(decide([], { nodes: [node100({ status: "disabled" })], links: [link100()] }).actions).toEqual([]);
  });
});

describe("decide phase — unknown return codes: a refused action is held while its input is unchanged", () => {
  it("fingerprints every action, holds an unchanged one with a warning, and releases a changed one", () => {
    const first = decide([u1]);
    const create = first.actions[0]!;
    expect(create.inputFingerprint).toEqual(expect.any(String));
    const hold: HeldAction = {
      actionId: create.id,
      inputFingerprint: create.inputFingerprint!,
      code: "UNKNOWN_42",
      message: "refused",
    };
    const held = decide([u1], { heldActions: [hold] });
    expect(held.actions).toEqual([]);
    expect(held.warnings).toEqual([
      expect.objectContaining({ code: "action-held", actionId: "create:u1", refusalCode: "UNKNOWN_42" }),
    ]);
    expect(held.releasedHolds).toEqual([]);
    const changed = decide([directoryUser("u1", { displayName: "Renamed" })], { heldActions: [hold] });
    expect(changed.actions.map((a) => a.id)).toEqual(["create:u1"]);
    expect(changed.releasedHolds).toEqual(["create:u1"]);
  });
});
