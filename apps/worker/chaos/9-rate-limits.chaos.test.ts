// Scenario 9: rate limits per identity. Behind one address (every portal request comes from the portal's server), a
// portal user who spends the per-minute budget is limited alone: the tenant's owner keeps working. Health endpoints
// are never limited, also right after an API restart (the counters live in Redis and survive it).
import type { ApiProcess } from "./harness/api-process";
import {
  expectSettledAndConverged,
  measureRecovery,
  syncNow,
  waitFor,
  waitForRunToSettle,
} from "./harness/chaos-checks";
import { chaosSettings, scenarioTimeoutMs } from "./harness/chaos-settings";
import { type ChaosStack, createChaosStack } from "./harness/chaos-stack";

jest.setTimeout(scenarioTimeoutMs());

const BUDGET = 5;
let stack: ChaosStack;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createChaosStack("rate-limits");
  await stack.startWorker();
  api = await stack.startApi({ rateLimitPerMinute: BUDGET });
});
afterAll(async () => {
  await stack?.close();
});

test("one portal user's limit is not everyone's, and health checks are never limited, before and after a restart", async () => {
  const tenant = await stack.createTenant({ users: 5, paused: true });
  const busy = await stack.addMember(tenant, "admin");
  const read = (userId: string) => api.request("GET", `/v1/tenants/${tenant.id}`, { userId });

  const spent: number[] = [];
  for (let i = 0; i < BUDGET + 2; i += 1) spent.push((await read(busy)).status);
  expect(spent.slice(-1)).toEqual([429]);

  const health: number[] = [];
  for (let i = 0; i < BUDGET + 2; i += 1) {
    health.push((await api.request("GET", "/healthz")).status, (await api.request("GET", "/readyz")).status);
  }
  expect({ owner: (await read(tenant.ownerId)).status, health: [...new Set(health)] }).toEqual({
    owner: 200,
    health: [200],
  });
  const started = await syncNow(api, tenant);
  expect(started.status).toBe(202);
  await waitForRunToSettle(stack, (started.body as { run: { id: string } }).run.id);

  await api.stop("SIGTERM");
  api = await stack.startApi({ rateLimitPerMinute: BUDGET });
  const restartedAt = Date.now();
  // Right after a restart, before its connections are up, /readyz may say 503; never 429.
  const answers: number[] = [];
  await measureRecovery(9, restartedAt, () =>
    waitFor(
      "/readyz to answer 200 after the restart",
      async () => {
        const status = (await api.request("GET", "/readyz")).status;
        answers.push(status, (await api.request("GET", "/healthz")).status);
        return status === 200 ? { at: Date.now() } : undefined;
      },
      { timeoutMs: chaosSettings.boundMs, intervalMs: 100, lastSeen: () => answers.slice(-6).join(", ") },
    ),
  );
  expect(answers).not.toContain(429);
  expect(answers[1]).toBe(200);
  await expectSettledAndConverged(stack, api, tenant);
});
