// rule 13: no write without a difference. getHierarchy_v2 shows no nick or SSO id, so where neither the tree nor a
// link knows them, runSync reads them (getUser_v3 through the port) before planning, and plans only real changes.
import fc from "fast-check";
import type { DirectoryUser, Link, RescueNode, TechnicianFields } from "./domain";
import { runSync } from "./run-sync";
import {
  FakeClock,
  groupMapping,
  InMemoryDirectorySource,
  InMemoryRescueDirectory,
  RecordingRunRecorder,
  seededRandom,
} from "./testing";

const GROUP_A = 10;
const PASSWORD = "Default-Pa55word!";

/** Rescue's spelling of a value the planner derives: the same after normalisation (blanks, an email's case). */
const respelled = (value: string, variant: number, email = false): string =>
  variant === 1 ? ` ${value} ` : variant === 2 && email ? value.toUpperCase() : value;

function world(users: DirectoryUser[], nodes: RescueNode[], links: Link[] = []) {
  const clock = new FakeClock();
  const directory = new InMemoryDirectorySource({
    users,
    groups: [{ id: "g1", displayName: "Helpdesk", memberIds: users.map((u) => u.id), childGroupIds: [] }],
  });
  const rescue = InMemoryRescueDirectory.withTechnicianGroups([GROUP_A], nodes);
  const recorder = new RecordingRunRecorder(links);
  const mapping = groupMapping("m1", "g1", GROUP_A, { entraGroupName: "Helpdesk", priority: 1 });
  const run = (dryRun = false) =>
    runSync(
      { clock, directory, rescue, recorder },
      { mappings: [mapping], links: recorder.links(), defaultPassword: PASSWORD, random: seededRandom(1), dryRun },
    );
  return { rescue, recorder, run };
}

const ann: DirectoryUser = {
  id: "u1",
  displayName: "Ann Lee",
  givenName: "Ann",
  surname: "Lee",
  mail: "ann@example.com",
  userPrincipalName: "ann@corp.example.com",
  accountEnabled: true,
};
const annFields: TechnicianFields = {
  name: "Ann Lee",
  nick: "Ann",
  email: "ann@example.com",
  ssoId: "ann@corp.example.com",
};
const annNode = (fields: Partial<TechnicianFields> = {}): RescueNode => ({
  id: 100,
  parentId: GROUP_A,
  kind: "technician",
  status: "enabled",
  ...annFields,
  ...fields,
});

describe("rule 13: no write without a difference", () => {
  it("rule 13: adopting an identical technician is one adopt and nothing else, even though the tree hides nick and SSO id", async () => {
    const { rescue, recorder, run } = world([ann], [annNode()]);
    const { plan, report } = await run(true);
    expect(plan.actions.map((a) => a.kind)).toEqual(["adopt"]);
    expect(plan.actions[0]).toMatchObject({ kind: "adopt", fields: annFields });
    // the read is bounded: exactly the one technician whose values were unknown
    expect(rescue.fieldReadCount()).toBe(1);
    expect(report.calls.rescue).toBe(2); // the tree and one getUser_v3
    expect(recorder.links()).toEqual([]); // a dry run remembers nothing

    await run();
    expect(rescue.writeCount()).toBe(0);
    expect(recorder.links()).toEqual([{ entraUserId: "u1", rescueNodeId: 100, fields: annFields }]);
    // the link now remembers the key data: the next run reads nothing and plans nothing
    const again = await run();
    expect(again.plan.actions).toEqual([]);
    expect(rescue.fieldReadCount()).toBe(2);
  });

  it("rule 13: a link without remembered fields is read once, remembered, and not updated when nothing differs", async () => {
    const { rescue, recorder, run } = world([ann], [annNode()], [{ entraUserId: "u1", rescueNodeId: 100 }]);
    const first = await run();
    expect(first.plan.actions).toEqual([]);
    expect(first.plan.refreshedLinks).toEqual([{ entraUserId: "u1", rescueNodeId: 100, fields: annFields }]);
    expect(rescue.writeCount()).toBe(0);
    expect(recorder.links()).toEqual([{ entraUserId: "u1", rescueNodeId: 100, fields: annFields }]);
    await run();
    expect(rescue.fieldReadCount()).toBe(1);
  });

  it("rule 13: an update carries only the field that really differs, with its real value before", async () => {
    const { run } = world([ann], [annNode({ nick: "Annie" })]);
    const { plan } = await run(true);
    const update = plan.actions.find((a) => a.kind === "update");
    expect(update).toMatchObject({ changes: [{ field: "nick", before: "Annie", after: "Ann" }] });
    expect(update?.cause?.sentence).toBe('Changed in Entra: nickname "Annie" → "Ann"');
  });

  it("rule 13: values that differ only in blanks or an email's case are the same", async () => {
    const node = annNode({ name: " Ann Lee ", nick: "Ann ", email: "ANN@example.com" });
    const { rescue, run } = world([ann], [node]);
    const { plan } = await run();
    expect(plan.actions.map((a) => a.kind)).toEqual(["adopt"]);
    expect(rescue.writeCount()).toBe(0);
  });

  it("rule 13: for any directory and tree that already agree (after normalisation), the plan is links only, zero writes", async () => {
    const userArb = (i: number) =>
      fc
        .record({
          name: fc.constantFrom("Ann Lee", "Bob Ray", "Cy Oh"),
          given: fc.option(fc.constantFrom("Ann", "Bob"), { nil: null }),
          enabled: fc.boolean(),
          linked: fc.constantFrom("no", "bare", "remembered"),
          spelling: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2)),
          ssoInRescue: fc.constantFrom("same", "empty-in-entra-too", "own"),
        })
        .map((u) => ({ ...u, i }));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => userArb(i)))),
        async (specs) => {
          const users: DirectoryUser[] = [];
          const nodes: RescueNode[] = [];
          const links: Link[] = [];
          let unknown = 0;
          for (const spec of specs) {
            const email = `user${spec.i}@example.com`;
            const user: DirectoryUser = {
              id: `u${spec.i}`,
              displayName: spec.name,
              givenName: spec.given,
              surname: null,
              mail: email,
              userPrincipalName: `user${spec.i}@corp.example.com`,
              accountEnabled: spec.enabled,
            };
            users.push(user);
            const derived: TechnicianFields = {
              name: spec.name,
              nick: spec.given ?? `user${spec.i}`,
              email,
              // rule 16: Rescue owns a non-empty SSO id, so an SSO id of its own agrees too
              ssoId: spec.ssoInRescue === "own" ? `rescue-${spec.i}` : user.userPrincipalName,
            };
            const node: RescueNode = {
              id: 100 + spec.i,
              parentId: GROUP_A,
              kind: "technician",
              status: spec.enabled ? "enabled" : "disabled",
              name: respelled(derived.name, spec.spelling[0]),
              nick: respelled(derived.nick, spec.spelling[1]),
              email: respelled(derived.email, spec.spelling[2], true),
              ssoId: derived.ssoId,
            };
            nodes.push(node);
            if (spec.linked === "remembered") {
              links.push({ entraUserId: user.id, rescueNodeId: node.id, fields: derived });
            } else {
              if (spec.linked === "bare") links.push({ entraUserId: user.id, rescueNodeId: node.id });
              unknown += 1;
            }
          }
          const { rescue, run } = world(users, nodes, links);
          const { plan, report } = await run();
          expect(plan.actions.every((a) => a.kind === "adopt")).toBe(true);
          expect(report.failures).toEqual([]);
          expect(rescue.writeCount()).toBe(0);
          // only technicians whose nick or SSO id nobody knew were read
          expect(rescue.fieldReadCount()).toBeLessThanOrEqual(unknown);
        },
      ),
      { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 100) },
    );
  });
});
