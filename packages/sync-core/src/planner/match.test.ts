import {
  DEFAULT_ATTRIBUTE_MAPPING,
  DEFAULT_FIELD_LIMITS,
  type DirectoryUser,
  type Link,
  type RescueNode,
} from "../domain";
import { administratorNode, directoryUser, rescueTree, technicianNode } from "../testing";
import { compileFieldDerivation } from "./derive-technician-fields";
import { emailStageOf, holderOf, indexRescue, matchUsers } from "./match";

const GROUP_A = 10;
const derive = compileFieldDerivation({ mapping: DEFAULT_ATTRIBUTE_MAPPING, limits: DEFAULT_FIELD_LIMITS });
const derived = (...users: DirectoryUser[]) => users.map((user) => ({ user, derived: derive(user) }));
const link = (entraUserId: string, rescueNodeId: number, fields?: Link["fields"]): Link => ({
  entraUserId,
  rescueNodeId,
  ...(fields ? { fields } : {}),
});

describe("match phase — the Rescue tree and the links, indexed", () => {
  it("drops a link whose technician an admin deleted (rule 12: a re-run converges)", () => {
    const index = indexRescue(rescueTree([GROUP_A]), [link("u1", 500)]);
    expect(index.linkByUser.size).toBe(0);
    expect(index.staleLinks).toEqual([link("u1", 500)]);
    expect(index.warnings).toEqual([
      expect.objectContaining({ code: "linked-node-missing", entraUserId: "u1", rescueNodeId: 500 }),
    ]);
  });

  it("keeps the same one of two clashing links whatever their order, and drops the other", () => {
    const tree = rescueTree(
      [GROUP_A],
      [
        technicianNode(100, GROUP_A, { name: "A", email: "a@example.com" }),
        technicianNode(101, GROUP_A, { name: "B", email: "b@example.com" }),
      ],
    );
    const links = [link("u1", 101), link("u1", 100)];
    for (const order of [links, [...links].reverse()]) {
      const index = indexRescue(tree, order);
      expect(index.linkByUser.get("u1")?.rescueNodeId).toBe(100);
      expect(index.staleLinks).toEqual([link("u1", 101)]);
      expect(index.warnings).toEqual([expect.objectContaining({ code: "duplicate-link", rescueNodeId: 101 })]);
    }
  });

  it("warns once about an email several technicians hold, and indexes the lowest id", () => {
    const tree = rescueTree(
      [GROUP_A],
      [
        technicianNode(201, GROUP_A, { name: "Two", email: "Same@Example.com" }),
        technicianNode(200, GROUP_A, { name: "One", email: "same@example.com " }),
      ],
    );
    for (const order of [tree, [...tree].reverse()]) {
      const index = indexRescue(order, []);
      expect(index.technicianByEmail.get("same@example.com")?.id).toBe(200);
      expect(index.duplicateTechnicianEmails.has("same@example.com")).toBe(true);
      expect(index.warnings.map((w) => w.code)).toEqual(["duplicate-technician-email"]);
    }
  });

  it("does not count technicians without an email as holding the same one", () => {
    const tree = rescueTree(
      [GROUP_A],
      [
        technicianNode(200, GROUP_A, { name: "One", email: "" }),
        technicianNode(201, GROUP_A, { name: "Two", email: "" }),
      ],
    );
    const index = indexRescue(tree, []);
    expect(index.technicianByEmail.size).toBe(0);
    expect(index.duplicateTechnicianEmails.size).toBe(0);
    expect(index.warnings).toEqual([]);
  });

  it("ignores a link given twice, without a warning", () => {
    const tree = rescueTree([GROUP_A], [technicianNode(100, GROUP_A, { name: "A", email: "a@example.com" })]);
    const index = indexRescue(tree, [link("u1", 100), link("u1", 100)]);
    expect(index.linkByUser.get("u1")?.rescueNodeId).toBe(100);
    expect(index.staleLinks).toEqual([]);
    expect(index.warnings).toEqual([]);
  });

  it("lists the links to forget by user, then technician, whatever order they came in", () => {
    const stale = [link("u2", 7), link("u1", 9), link("u1", 8)];
    for (const order of [stale, [...stale].reverse()]) {
      expect(indexRescue(rescueTree([GROUP_A]), order).staleLinks).toEqual([
        link("u1", 8),
        link("u1", 9),
        link("u2", 7),
      ]);
    }
  });

  it("an email only a link remembers (the tree shows none) is held by that technician", () => {
    const tree = rescueTree(
      [GROUP_A],
      [
        technicianNode(100, GROUP_A, { name: "Blank", email: "" }),
        technicianNode(101, GROUP_A, { name: "Renamed", email: "now@example.com" }),
      ],
    );
    const remembers = (email: string) => ({ name: "x", nick: "x", email, ssoId: "x" });
    const index = indexRescue(tree, [
      link("u1", 100, remembers("u1@example.com")),
      // the tree shows this technician's email: what its link remembers is out of date and holds nothing
      link("u2", 101, remembers("then@example.com")),
    ]);
    expect(holderOf(index, "u1@example.com")).toBe(100);
    expect(holderOf(index, "now@example.com")).toBe(101);
    expect(holderOf(index, "then@example.com")).toBeUndefined();
  });
});

describe("match phase — emails held only in a link's memory", () => {
  const blank = technicianNode(100, GROUP_A, { name: "User u1", email: "" });
  const fields = { name: "User u1", nick: "Givenu1", email: "u1@example.com", ssoId: "u1@corp.example.com" };

  it("a linked technician whose email only its link remembers, unchanged, moves no email", () => {
    const index = indexRescue(rescueTree([GROUP_A], [blank]), [link("u1", 100, fields)]);
    const matches = matchUsers(index, derived(directoryUser("u1")));
    expect(matches.ofUser[0]).toMatchObject({ kind: "linked" });
    expect(matches.emailStages.size).toBe(0);
  });

  it("another user is not adopted onto it nor given its email", () => {
    const index = indexRescue(rescueTree([GROUP_A], [blank]), [link("u1", 100, fields)]);
    const newcomer = directoryUser("u9", { mail: "u1@example.com" });
    expect(matchUsers(index, derived(newcomer)).ofUser[0]).toEqual({
      kind: "unmatched",
      emailKey: "u1@example.com",
      holderId: 100,
    });
  });

  it("a linked technician with no known email at all takes the user's (stage 0)", () => {
    const index = indexRescue(rescueTree([GROUP_A], [blank]), [link("u1", 100)]);
    const matches = matchUsers(index, derived(directoryUser("u1")));
    expect(emailStageOf(matches, 100)).toBe(0);
  });
});

describe("match phase — rule 3: a user with no link matches a technician by email", () => {
  const u1 = directoryUser("u1");

  it("adopts an unlinked technician with the same email, trimmed and case-insensitively", () => {
    const node = technicianNode(100, GROUP_A, { name: "U1", email: "  U1@Example.COM " });
    const matches = matchUsers(indexRescue(rescueTree([GROUP_A], [node]), []), derived(u1));
    expect(matches.ofUser[0]).toEqual({ kind: "adopt", node });
  });

  it("never adopts a technician linked to another user: a create candidate that names the holder", () => {
    const node = technicianNode(100, GROUP_A, { name: "Other", email: "u1@example.com" });
    const index = indexRescue(rescueTree([GROUP_A], [node]), [link("other", 100)]);
    const matches = matchUsers(index, derived(u1));
    expect(matches.ofUser[0]).toEqual({ kind: "unmatched", emailKey: "u1@example.com", holderId: 100 });
  });

  it("matches a linked user by its link, not by email", () => {
    const mine = technicianNode(100, GROUP_A, { name: "U1", email: "old@example.com" });
    const same = technicianNode(101, GROUP_A, { name: "Else", email: "u1@example.com" });
    const index = indexRescue(rescueTree([GROUP_A], [mine, same]), [link("u1", 100)]);
    expect(matchUsers(index, derived(u1)).ofUser[0]).toMatchObject({ kind: "linked", node: mine });
  });

  it("gives an email claimed by several users in scope to none of them", () => {
    const twin = directoryUser("u2", { mail: "U1@example.com" });
    const matches = matchUsers(indexRescue(rescueTree([GROUP_A]), []), derived(u1, twin));
    expect(matches.ofUser).toEqual([
      expect.objectContaining({
        kind: "refused",
        warning: expect.objectContaining({ code: "duplicate-email", entraUserId: "u1", field: "email" }),
      }),
      expect.objectContaining({
        kind: "refused",
        warning: expect.objectContaining({ code: "duplicate-email", entraUserId: "u2", field: "email" }),
      }),
    ]);
  });

  it("does not count the email of a user left out for a field problem as claimed", () => {
    const nameless = directoryUser("u3", { mail: "u1@example.com", displayName: "", givenName: null, surname: null });
    const matches = matchUsers(indexRescue(rescueTree([GROUP_A]), []), derived(u1, nameless));
    expect(matches.ofUser).toEqual([
      { kind: "unmatched", emailKey: "u1@example.com", holderId: undefined },
      { kind: "none" },
    ]);
  });

  it("refuses an email several technicians hold: neither adopted nor created", () => {
    const tree = rescueTree(
      [GROUP_A],
      [
        technicianNode(100, GROUP_A, { name: "A", email: "u1@example.com" }),
        technicianNode(101, GROUP_A, { name: "B", email: "U1@example.com" }),
      ],
    );
    expect(matchUsers(indexRescue(tree, []), derived(u1)).ofUser[0]).toEqual({
      kind: "refused",
      warning: expect.objectContaining({ code: "email-in-use", entraUserId: "u1", field: "email" }),
    });
  });

  it("refuses an administrator's email (rule 9, caught early)", () => {
    const index = indexRescue(rescueTree([GROUP_A], [administratorNode(50, "u1@example.com")]), []);
    expect(matchUsers(index, derived(u1)).ofUser[0]).toMatchObject({
      kind: "refused",
      warning: { code: "email-belongs-to-administrator", entraUserId: "u1", field: "email" },
    });
  });

  it("refuses a master administrator's email too", () => {
    const master: RescueNode = { ...administratorNode(51, "u1@example.com"), parentId: 2, kind: "masterAdministrator" };
    const index = indexRescue(rescueTree([GROUP_A], [master]), []);
    expect(matchUsers(index, derived(u1)).ofUser[0]).toMatchObject({
      kind: "refused",
      warning: { code: "email-belongs-to-administrator" },
    });
  });

  it("matches nothing for a user whose fields have problems", () => {
    const nameless = directoryUser("u3", { displayName: "", givenName: null, surname: null });
    const matches = matchUsers(indexRescue(rescueTree([GROUP_A]), []), derived(nameless));
    expect(matches.ofUser[0]).toEqual({ kind: "none" });
  });
});

describe("match phase — rule 4: email changes of linked technicians are staged", () => {
  it("runs the update taking a freed email one stage after the update that frees it", () => {
    // u1 takes u2's email; u2 moves to a new one.
    const tree = rescueTree(
      [GROUP_A],
      [
        technicianNode(100, GROUP_A, { name: "User u1", email: "u1@example.com" }),
        technicianNode(101, GROUP_A, { name: "User u2", email: "u2@example.com" }),
      ],
    );
    const index = indexRescue(tree, [link("u1", 100), link("u2", 101)]);
    const users = derived(
      directoryUser("u1", { mail: "u2@example.com" }),
      directoryUser("u2", { mail: "new@example.com" }),
    );
    const matches = matchUsers(index, users);
    expect(emailStageOf(matches, 101)).toBe(0);
    expect(emailStageOf(matches, 100)).toBe(1);
  });

  it("never stages a swap: each technician would hold the other's email", () => {
    const tree = rescueTree(
      [GROUP_A],
      [
        technicianNode(100, GROUP_A, { name: "User u1", email: "u1@example.com" }),
        technicianNode(101, GROUP_A, { name: "User u2", email: "u2@example.com" }),
      ],
    );
    const index = indexRescue(tree, [link("u1", 100), link("u2", 101)]);
    const users = derived(
      directoryUser("u1", { mail: "u2@example.com" }),
      directoryUser("u2", { mail: "u1@example.com" }),
    );
    const matches = matchUsers(index, users);
    expect(emailStageOf(matches, 100)).toBeNull();
    expect(emailStageOf(matches, 101)).toBeNull();
  });

  it("never stages an update onto the email of a technician whose user's fields have a problem (it stays)", () => {
    // u1's update is left out (name too long), so technician 100 keeps a@ and u2 cannot take it.
    const tree = rescueTree(
      [GROUP_A],
      [
        technicianNode(100, GROUP_A, { name: "User u1", email: "a@example.com" }),
        technicianNode(101, GROUP_A, { name: "User u2", email: "c@example.com" }),
      ],
    );
    const index = indexRescue(tree, [link("u1", 100), link("u2", 101)]);
    const users = derived(
      directoryUser("u1", { mail: "b@example.com", displayName: "x".repeat(200) }),
      directoryUser("u2", { mail: "a@example.com" }),
    );
    const matches = matchUsers(index, users);
    expect(emailStageOf(matches, 100)).toBeNull();
    expect(emailStageOf(matches, 101)).toBeNull();
  });

  it("has no stage for a technician whose email does not change", () => {
    const tree = rescueTree([GROUP_A], [technicianNode(100, GROUP_A, { name: "User u1", email: "U1@example.com" })]);
    const matches = matchUsers(indexRescue(tree, [link("u1", 100)]), derived(directoryUser("u1")));
    expect(matches.emailStages.size).toBe(0);
    expect(matches.emailRefusals.size).toBe(0);
  });
});
