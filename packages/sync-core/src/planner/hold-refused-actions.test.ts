import type { DirectoryUser, GroupMapping, Link, RescueNode, TenantSyncSettings } from "../domain";
import type { HeldAction, Plan } from "../plan";
import { directorySnapshot, directoryUser, groupMapping, rescueTree, technicianNode } from "../testing";
import { planRun } from "./plan-run";

const GROUP_A = 10;
const GROUP_B = 11;

interface World {
  users?: DirectoryUser[];
  mappings?: GroupMapping[];
  nodes?: RescueNode[];
  links?: Link[];
  settings?: TenantSyncSettings;
}

function plan(world: World, heldActions: HeldAction[] = []): Plan {
  const mappings = world.mappings ?? [groupMapping("m1", "g1", GROUP_A)];
  return planRun({
    mappings,
    directory: directorySnapshot(Object.fromEntries(mappings.map((m) => [m.id, world.users ?? []]))),
    tree: rescueTree([GROUP_A, GROUP_B], world.nodes ?? []),
    links: world.links ?? [],
    heldActions,
    ...(world.settings ? { settings: world.settings } : {}),
  });
}

/** What the worker records when Rescue refused these actions with a code nobody documented. */
function refused(planned: Plan, ids: string[], extra: Partial<HeldAction> = {}): HeldAction[] {
  return ids.map((id) => {
    const action = planned.actions.find((a) => a.id === id);
    if (!action?.inputFingerprint) throw new Error(`${id} is not planned`);
    return { actionId: id, inputFingerprint: action.inputFingerprint, code: "UNKNOWN_42", message: "raw", ...extra };
  });
}

const ids = (planned: Plan) => planned.actions.map((a) => a.id);
const heldWarnings = (planned: Plan) => planned.warnings.filter((w) => w.code === "action-held");

const u1 = directoryUser("u1");
const node100 = (overrides: Partial<RescueNode> = {}) =>
  technicianNode(100, GROUP_A, { name: "User u1", email: "u1@example.com" }, overrides);
const linkU1 = (rescueNodeId = 100): Link => ({ entraUserId: "u1", rescueNodeId });

describe("rule 9: an action refused with an unknown code is held until the user's input changes", () => {
  it("tries a held create again when the mapping now creates the user in another Rescue group", () => {
    const first = plan({ users: [u1] });
    const holds = refused(first, ["create:u1"]);
    expect(ids(plan({ users: [u1] }, holds))).toEqual([]);

    const moved = plan({ users: [u1], mappings: [groupMapping("m1", "g1", GROUP_B)] }, holds);
    expect(moved.actions).toEqual([expect.objectContaining({ id: "create:u1", rescueGroupId: GROUP_B })]);
    expect(moved.releasedHolds).toEqual(["create:u1"]);
  });

  it("tries a held update again when the tenant makes Entra the source of SSO ids (the write would overwrite)", () => {
    // The tree shows no SSO id: under the default source the update may only fill an empty one.
    const world: World = { users: [u1], nodes: [node100()], links: [linkU1()] };
    const first = plan(world);
    expect(first.actions).toEqual([expect.objectContaining({ id: "update:u1", keepSsoIdIfSet: true })]);
    const holds = refused(first, ["update:u1"]);
    expect(ids(plan(world, holds))).toEqual([]);

    const entraOwned = plan({ ...world, settings: { ssoIdSource: "entra" } }, holds);
    const update = entraOwned.actions.find((a) => a.id === "update:u1");
    expect(update).toBeDefined();
    expect(update).not.toHaveProperty("keepSsoIdIfSet");
    expect(entraOwned.releasedHolds).toEqual(["update:u1"]);
  });

  it("tries a held enable again when the user's technician is another one now", () => {
    const user = directoryUser("u1", { displayName: "User u1" });
    const linked = { nick: "Givenu1", ssoId: "u1@corp.example.com", status: "disabled" as const };
    const first = plan({ users: [user], nodes: [node100(linked)], links: [linkU1()] });
    expect(ids(first)).toEqual(["enable:u1"]);
    const holds = refused(first, ["enable:u1"]);

    // An admin deleted technician 100 and re-created the user's technician as 101, disabled.
    const relinked = plan(
      {
        users: [user],
        nodes: [technicianNode(101, GROUP_A, { name: "User u1", email: "u1@example.com" }, linked)],
        links: [linkU1()],
      },
      holds,
    );
    expect(relinked.actions).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: "enable:u1", rescueNodeId: 101 })]),
    );
    expect(relinked.releasedHolds).toEqual(["enable:u1"]);
  });

  it("tries a held disable again when its reason changes (disabled in Entra, then out of every scope)", () => {
    const known = { nick: "Givenu1", ssoId: "u1@corp.example.com" };
    const world: World = { nodes: [node100(known)], links: [linkU1()] };
    const first = plan({ ...world, users: [directoryUser("u1", { accountEnabled: false })] });
    expect(first.actions).toEqual([expect.objectContaining({ id: "disable:u1", disableReason: "disabled-in-entra" })]);
    const holds = refused(first, ["disable:u1"]);
    expect(ids(plan({ ...world, users: [directoryUser("u1", { accountEnabled: false })] }, holds))).toEqual([]);

    const left = plan({ ...world, users: [] }, holds);
    expect(left.actions).toEqual([expect.objectContaining({ id: "disable:u1", disableReason: "out-of-scope" })]);
    expect(left.releasedHolds).toEqual(["disable:u1"]);
  });

  it("the warning names the refused technician (none for a create), the raw code and when it was refused", () => {
    const world: World = {
      users: [u1, directoryUser("u2")],
      nodes: [node100({ nick: "Givenu1", status: "disabled" })],
      links: [linkU1()],
    };
    const first = plan(world);
    expect(ids(first)).toEqual(["create:u2", "update:u1", "enable:u1"]);
    const holds = [
      ...refused(first, ["create:u2"]),
      ...refused(first, ["update:u1", "enable:u1"], { refusedAt: "2026-01-02T03:04:05.000Z" }),
    ];
    const warnings = heldWarnings(plan(world, holds));
    const warningOf = (id: string) => warnings.find((w) => w.actionId === id);
    expect(warnings.map((w) => [w.actionId, w.rescueNodeId]).sort()).toEqual([
      ["create:u2", undefined],
      ["enable:u1", 100],
      ["update:u1", 100],
    ]);
    expect(warningOf("create:u2")).not.toHaveProperty("rescueNodeId");
    expect(warningOf("create:u2")?.message).toContain("create held: Rescue refused it with UNKNOWN_42");
    expect(warningOf("enable:u1")?.message).toContain(
      "enable held: Rescue refused it on 2026-01-02T03:04:05.000Z with UNKNOWN_42",
    );
  });

  it("lists released holds once each, in a stable order whatever order they were recorded in", () => {
    const world: World = { users: [directoryUser("u2"), u1] };
    const holds = refused(plan(world), ["create:u2", "create:u1"]);
    const released = plan({ users: [] }, [...holds, holds[0]!]);
    expect(released.releasedHolds).toEqual(["create:u1", "create:u2"]);
  });
});
