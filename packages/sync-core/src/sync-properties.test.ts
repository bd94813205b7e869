// Properties of the whole engine over random directories, mappings, Rescue trees and links (rule 12).
import fc from "fast-check";
import { type DirectoryUser, type GroupMapping, type Link, normalizeEmail, type RescueNode } from "./domain";
import { DEFAULT_RETRY_POLICY } from "./executor/call-with-retry";
import type { ExecutorRescue } from "./executor/execute-plan";
import type { Plan, SyncAction } from "./plan";
import { planRun } from "./planner/plan-run";
import type { RescueDirectory, RunRecorder } from "./ports";
import { readDirectorySnapshot } from "./read-directory-snapshot";
import { runSync } from "./run-sync";
import {
  FakeClock,
  InMemoryDirectorySource,
  type InMemoryGroup,
  InMemoryRescueDirectory,
  RecordingRunRecorder,
  seededRandom,
} from "./testing";

const TECHNICIAN_GROUPS = [10, 11, 12];
const GROUP_IDS = ["g0", "g1", "g2", "g3"];
// A small pool, so that emails collide between users, technicians and administrators.
const EMAILS = ["a", "b", "c", "d", "e", "f", "g"].map((x) => `${x}@example.com`);
const spelled = (email: string, variant: number) =>
  variant === 1 ? email.toUpperCase() : variant === 2 ? ` ${email} ` : email;

interface World {
  users: DirectoryUser[];
  groups: InMemoryGroup[];
  nodes: RescueNode[];
  links: Link[];
  mappings: GroupMapping[];
}

const userArb = (id: string) =>
  fc.record({
    id: fc.constant(id),
    displayName: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom("Ann", "Bob", "Cy") },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constant("x".repeat(130)) },
    ),
    givenName: fc.option(fc.constantFrom("Ann", "Bob"), { nil: null }),
    surname: fc.constant(null),
    mail: fc.option(
      fc.tuple(fc.constantFrom(...EMAILS), fc.integer({ min: 0, max: 2 })).map(([e, v]) => spelled(e, v)),
      { nil: null, freq: 4 },
    ),
    userPrincipalName: fc.constant(`${id}@corp.example.com`),
    accountEnabled: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
    department: fc.constantFrom("Support", "Sales", null),
  });

const worldArb: fc.Arbitrary<World> = fc
  .record({
    userCount: fc.integer({ min: 1, max: 10 }),
    technicianEmails: fc.uniqueArray(fc.integer({ min: 0, max: EMAILS.length + 2 }), { maxLength: 8 }),
    adminEmail: fc.option(fc.constantFrom(...EMAILS), { nil: undefined }),
    nestG1InG0: fc.boolean(),
  })
  .chain(({ userCount, technicianEmails, adminEmail, nestG1InG0 }) => {
    const userIds = Array.from({ length: userCount }, (_, i) => `u${i}`);
    const technicianIds = technicianEmails.map((_, i) => 100 + i);
    return fc.record({
      users: fc.tuple(...userIds.map(userArb)) as fc.Arbitrary<DirectoryUser[]>,
      groups: fc.tuple(
        ...GROUP_IDS.map((id) =>
          fc.subarray(userIds).map(
            (memberIds): InMemoryGroup => ({
              id,
              displayName: id,
              memberIds,
              childGroupIds: id === "g0" && nestG1InG0 ? ["g1"] : [],
            }),
          ),
        ),
      ),
      nodes: fc
        .tuple(
          ...technicianEmails.map((emailIndex, i) =>
            fc
              .record({
                parentId: fc.constantFrom(...TECHNICIAN_GROUPS),
                status: fc.constantFrom("enabled" as const, "disabled" as const),
                name: fc.constantFrom("Ann", "Bob", "Old name"),
                nick: fc.option(fc.constantFrom("Ann", "old"), { nil: undefined }),
              })
              .map(
                (t): RescueNode => ({
                  id: 100 + i,
                  kind: "technician",
                  email: EMAILS[emailIndex] ?? `other${emailIndex}@example.com`,
                  ...t,
                }),
              ),
          ),
        )
        .map((technicians): RescueNode[] => [
          ...technicians,
          ...(adminEmail && !technicians.some((t) => t.email === adminEmail)
            ? [
                {
                  id: 90,
                  parentId: 3,
                  kind: "administrator" as const,
                  name: "Admin",
                  email: adminEmail,
                  status: "enabled" as const,
                },
              ]
            : []),
        ]),
      links:
        userIds.length === 0
          ? fc.constant([])
          : fc.uniqueArray(
              fc.record({
                entraUserId: fc.constantFrom(...userIds),
                rescueNodeId: fc.oneof(
                  { weight: 1, arbitrary: fc.constant(999) },
                  ...(technicianIds.length > 0 ? [{ weight: 6, arbitrary: fc.constantFrom(...technicianIds) }] : []),
                ),
              }),
              { selector: (l) => l.entraUserId, maxLength: 8 },
            ),
      mappings: fc.uniqueArray(
        fc.record({
          id: fc.constantFrom("m0", "m1", "m2"),
          entraGroupId: fc.constantFrom(...GROUP_IDS),
          rescueGroupId: fc.constantFrom(...TECHNICIAN_GROUPS, ...TECHNICIAN_GROUPS, 99),
          priority: fc.integer({ min: 1, max: 3 }),
          transitive: fc.boolean(),
          filter: fc.option(
            fc.record({
              attribute: fc.constant("department" as const),
              operator: fc.constantFrom(
                "equals" as const,
                "contains" as const,
                "startsWith" as const,
                "endsWith" as const,
              ),
              value: fc.constantFrom("support", "SAL", "port"),
            }),
            { nil: null, freq: 3 },
          ),
        }),
        { selector: (m) => m.id, minLength: 1, maxLength: 3 },
      ),
    });
  });

const PASSWORD = "Default-Pa55word!";

function materialise(world: World) {
  const clock = new FakeClock();
  const directory = new InMemoryDirectorySource({ users: world.users, groups: world.groups });
  const rescue = InMemoryRescueDirectory.withTechnicianGroups(TECHNICIAN_GROUPS, world.nodes, { maxCreateBatch: 2 });
  const recorder = new RecordingRunRecorder(world.links);
  return { clock, directory, rescue, recorder };
}

async function planAgain(world: World, ports: ReturnType<typeof materialise>): Promise<Plan> {
  const retry = { clock: ports.clock, policy: DEFAULT_RETRY_POLICY, random: seededRandom(1) };
  return planRun({
    mappings: world.mappings,
    directory: await readDirectorySnapshot(ports.directory, world.mappings, { retry }),
    tree: await ports.rescue.getTree(),
    links: ports.recorder.links(),
  });
}

function sync(
  world: World,
  ports: {
    clock: FakeClock;
    directory: InMemoryDirectorySource;
    rescue: ExecutorRescue & Pick<RescueDirectory, "getTree" | "getTechnicianFields">;
    recorder: RunRecorder;
  },
  links: readonly Link[],
) {
  return runSync(ports, {
    mappings: world.mappings,
    links,
    defaultPassword: PASSWORD,
    approved: true,
    random: seededRandom(5),
  });
}

/** The technicians as a person would see them, keyed by email: node ids differ between a created and an adopted one. */
function endState(rescue: InMemoryRescueDirectory) {
  return rescue
    .technicians()
    .map((t) => ({
      email: normalizeEmail(t.email ?? ""),
      parentId: t.parentId,
      name: t.name,
      nick: t.nick,
      ssoId: t.ssoId,
      status: t.status,
    }))
    .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

function expectUniqueEmails(rescue: InMemoryRescueDirectory): void {
  const emails = rescue.technicians().map((t) => normalizeEmail(t.email ?? ""));
  expect(new Set(emails).size).toBe(emails.length);
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** A create into a mapped Rescue group that is gone fails on every run by design (rescue-group-missing). */
const isNotIntoMissingGroup = (action: SyncAction) => !(action.kind === "create" && action.groupMissing);

// 100 runs per property; the mutation run (stryker/) lowers it so that each mutant costs seconds.
const RUNS = { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 100) };

describe("rule 12: plan → apply → plan again gives an empty plan", () => {
  it("holds for random directories, mappings, trees and links", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const ports = materialise(world);
        const { report } = await sync(world, ports, ports.recorder.links());
        expect(report.failures.filter((f) => f.code !== "RESCUE_GROUP_MISSING")).toEqual([]);
        const again = await planAgain(world, ports);
        expect(again.actions.filter(isNotIntoMissingGroup)).toEqual([]);
        expect(again.staleLinks).toEqual([]);
        expectUniqueEmails(ports.rescue);
      }),
      RUNS,
    );
  });
});

describe("rule 12: converges through transient Rescue failures (retried with backoff)", () => {
  it("plans nothing after a run whose calls failed at random and were retried", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, fc.integer({ min: 1, max: 1000 }), async (world, seed) => {
        const ports = materialise(world);
        const flaky = ports.rescue.clone({ failureRate: 0.3, seed });
        const { report } = await runSync(
          { ...ports, rescue: flaky },
          {
            mappings: world.mappings,
            links: ports.recorder.links(),
            defaultPassword: PASSWORD,
            approved: true,
            random: seededRandom(seed),
            // 0.3^15: a give-up is practically impossible, so a failure here is a real bug
            retry: { maxAttempts: 15 },
          },
        );
        expect(report.failures.filter((f) => f.code !== "RESCUE_GROUP_MISSING")).toEqual([]);
        flaky.failureRate = 0;
        const again = await planAgain(world, { ...ports, rescue: flaky });
        expect(again.actions.filter(isNotIntoMissingGroup)).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe("rules 6–7: no plan deletes anything or moves an existing technician", () => {
  it("keeps every node that existed, under the same parent, and only ever plans the five kinds", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const ports = materialise(world);
        const before = ports.rescue.allNodes();
        const { plan } = await sync(world, ports, ports.recorder.links());
        for (const action of plan.actions) {
          expect(["create", "adopt", "update", "enable", "disable"]).toContain(action.kind);
          if (action.kind === "create") {
            if (!action.groupMissing) expect(TECHNICIAN_GROUPS).toContain(action.rescueGroupId);
          } else expect(before.find((n) => n.id === action.rescueNodeId)?.kind).toBe("technician");
        }
        for (const node of before) {
          expect(ports.rescue.node(node.id)).toMatchObject({ kind: node.kind, parentId: node.parentId });
        }
      }),
      RUNS,
    );
  });
});

describe("the plan does not depend on the order of its inputs", () => {
  it("gives the same plan for shuffled mappings, members, tree and links", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, fc.integer(), async (world, seed) => {
        const ports = materialise(world);
        const retry = { clock: ports.clock, policy: DEFAULT_RETRY_POLICY, random: seededRandom(1) };
        const directory = await readDirectorySnapshot(ports.directory, world.mappings, { retry });
        const tree = await ports.rescue.getTree();
        const links = ports.recorder.links();
        const random = seededRandom(seed);
        const shuffled = new Map([...directory].map(([id, members]) => [id, shuffle(members, random)]));
        const one = planRun({ mappings: world.mappings, directory, tree, links });
        const two = planRun({
          mappings: shuffle(world.mappings, random),
          directory: new Map(shuffle([...shuffled], random)),
          tree: shuffle(tree, random),
          links: shuffle(links, random),
        });
        expect(two).toEqual(one);
      }),
      RUNS,
    );
  });
});

class Crash extends Error {}

/** Kills the run after `afterWrites` Rescue writes have returned: every later call of either port throws. */
function crashing(rescue: InMemoryRescueDirectory, recorder: RecordingRunRecorder, afterWrites: number) {
  let writes = 0;
  let crashed = afterWrites === 0;
  const guard = () => {
    if (crashed) throw new Crash("crashed");
  };
  const write =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      guard();
      const result = await call(...args);
      writes += 1;
      if (writes >= afterWrites) crashed = true;
      return result;
    };
  const wrappedRescue: ExecutorRescue & Pick<RescueDirectory, "getTree" | "getTechnicianFields"> = {
    maxCreateBatch: rescue.maxCreateBatch,
    getTree: () => rescue.getTree(),
    getTechnicianFields: (nodeId) => rescue.getTechnicianFields(nodeId),
    createTechnicians: write((requests) => rescue.createTechnicians(requests)),
    updateTechnician: write((nodeId, fields) => rescue.updateTechnician(nodeId, fields)),
    setTechnicianStatus: write((nodeId, status) => rescue.setTechnicianStatus(nodeId, status)),
    renewSession: () => rescue.renewSession(),
    callCount: () => rescue.callCount(),
  };
  const wrappedRecorder: RunRecorder = {
    recordPlan: async (plan, context) => recorder.recordPlan(plan, context),
    recordOutcomes: async (outcomes) => {
      guard();
      await recorder.recordOutcomes(outcomes);
    },
    recordLinks: async (links) => {
      guard();
      await recorder.recordLinks(links);
    },
    removeLinks: async (links) => {
      guard();
      await recorder.removeLinks(links);
    },
    log: () => {},
    progress: () => {},
  };
  return { rescue: wrappedRescue, recorder: wrappedRecorder };
}

describe("rule 12: a crash after any action, then a fresh run, ends as a run with no crash", () => {
  it("converges to the same technicians, none sharing an email", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, fc.integer({ min: 0, max: 12 }), async (world, afterWrites) => {
        const calm = materialise(world);
        await sync(world, calm, calm.recorder.links());

        const stormy = materialise(world);
        const crash = crashing(stormy.rescue, stormy.recorder, afterWrites);
        await sync(world, { ...stormy, ...crash }, stormy.recorder.links()).catch((error: unknown) => {
          if (!(error instanceof Crash)) throw error;
        });
        expectUniqueEmails(stormy.rescue);
        await sync(world, stormy, stormy.recorder.links());

        expect(endState(stormy.rescue)).toEqual(endState(calm.rescue));
        expectUniqueEmails(stormy.rescue);
      }),
      RUNS,
    );
  });
});
