// Scenario 6: a person approves a run the safety threshold blocked while another run of the tenant is active (a
// later "Sync now", still running). The approval must not be lost: the approved run applies what was approved within
// the bound once the other run is done (an approval refused with a clear 409 while the other run is active is
// repeated afterwards, as the person would). No run stays queued.
import type { ApiProcess } from "./harness/api-process";
import {
  activeRuns,
  describeRun,
  expectSettledAndConverged,
  measureRecovery,
  runOf,
  syncNow,
  waitFor,
  waitForRunToSettle,
} from "./harness/chaos-checks";
import { chaosSettings, scenarioTimeoutMs } from "./harness/chaos-settings";
import { type ChaosStack, createChaosStack } from "./harness/chaos-stack";

jest.setTimeout(scenarioTimeoutMs());

let stack: ChaosStack;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createChaosStack("approve-while-active");
  await stack.startWorker();
  api = await stack.startApi();
});
afterAll(async () => {
  await stack?.close();
});

const runIdOf = (reply: { body: unknown }) => (reply.body as { run: { id: string } }).run.id;

test("approving a blocked run while another run is active: the approved run is applied, not left queued", async () => {
  const users = chaosSettings.users;
  const tenant = await stack.createTenant({ users, paused: true, safetyThreshold: { percent: 10, minimum: 2 } });
  const first = await syncNow(api, tenant);
  expect((await waitForRunToSettle(stack, runIdOf(first))).status).toBe("succeeded");

  // A quarter of the group leaves: more disables than the threshold allows, so the next run is blocked (rule 11).
  const leaving = tenant.userIds.slice(0, Math.max(3, Math.floor(users / 4)));
  for (const id of leaving) tenant.directory.removeMember(tenant.groupId, id);
  const blocked = await syncNow(api, tenant);
  const blockedId = runIdOf(blocked);
  expect((await waitForRunToSettle(stack, blockedId)).status).toBe("blocked");

  // Another run, kept running by a slow Rescue while the person approves.
  const slow = { ...tenant.rescue.faults.current };
  tenant.rescue.faults.set({ ...slow, latencyMs: 1000 });
  const other = await syncNow(api, tenant);
  expect({ status: other.status, deduplicated: (other.body as { deduplicated?: boolean }).deduplicated }).toEqual({
    status: 202,
    deduplicated: false,
  });
  const otherId = runIdOf(other);
  await waitFor(
    "the other run to be claimed",
    async () => {
      const run = await runOf(stack, otherId);
      return run.status === "running" ? run : undefined;
    },
    { timeoutMs: chaosSettings.boundMs },
  );

  const approve = () =>
    api.request("POST", `/v1/tenants/${tenant.id}/runs/${blockedId}/approve`, { userId: tenant.ownerId });
  const approval = await approve();
  expect([202, 409]).toContain(approval.status);
  expect((await activeRuns(stack, tenant.id)).map((run) => run.id)).toContain(otherId);

  tenant.rescue.faults.set(slow);
  await waitForRunToSettle(stack, otherId);
  const causeEndedAt = Date.now();
  if (approval.status === 409) expect((await approve()).status).toBe(202);

  await measureRecovery(6, causeEndedAt, async () => {
    const approved = await waitForRunToSettle(stack, blockedId, chaosSettings.boundMs);
    expect(describeRun(approved)).toBe(describeRun({ ...approved, status: "succeeded", error: null }));
    return { at: Date.now() };
  });
  const disabled = await stack.world.db.prisma.syncAction.count({
    where: { runId: blockedId, kind: "disable", status: "succeeded" },
  });
  expect(disabled).toBe(leaving.length);
  const leftEnabled = tenant.rescue.organisation
    .technicians()
    .filter((technician) => technician.enabled)
    .map((technician) => technician.email.toLowerCase());
  const leavers = new Set(
    leaving.map((id) => {
      const user = tenant.directory.liveUser(id)!;
      return (user.mail ?? user.userPrincipalName).toLowerCase();
    }),
  );
  expect(leftEnabled.filter((email) => leavers.has(email))).toEqual([]);
  await expectSettledAndConverged(stack, api, tenant);
});
