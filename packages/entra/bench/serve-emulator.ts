// Runs the Graph emulator in its own process, so the benchmark's RSS is the client's alone.
import { generateDirectory, startGraphEmulator } from "@techsync/emulators/graph";

const users = Number(process.env.BENCH_USERS ?? 100_000);
const groups = Number(process.env.BENCH_GROUPS ?? 100);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 25);

export const BENCH_TENANT_ID = "b0000000-0000-4000-a000-000000000001";
export const BENCH_CLIENT_ID = "b1000000-0000-4000-a000-000000000001";
export const BENCH_CLIENT_SECRET = "Bch8Q~benchmark-secret-value-000000000001";

async function main() {
  const tenant = generateDirectory({
    seed: 42,
    tenantId: BENCH_TENANT_ID,
    domain: "bench.example",
    users,
    groups,
    overlapRatio: 0.1,
    withoutMailRatio: 0.05,
    disabledRatio: 0.05,
    apps: [
      {
        clientId: BENCH_CLIENT_ID,
        displayName: "bench",
        secrets: [
          { id: "b2000000-0000-4000-a000-000000000001", value: BENCH_CLIENT_SECRET, expiresAt: "2099-01-01T00:00:00Z" },
        ],
        roles: ["User.Read.All", "Group.Read.All", "Directory.Read.All"],
      },
    ],
  });
  const emulator = await startGraphEmulator({ tenants: [tenant], faults: { latencyMs } });
  // What the client needs to know: the minimum calls are computed from the real transitive sizes.
  const emulated = emulator.admin.requireTenant(BENCH_TENANT_ID);
  const groupSizes = tenant.groups.map((group) => ({
    id: group.id,
    members: emulated.transitiveMembers(group.id).users.length,
  }));
  process.send?.({ url: emulator.url, caCertPem: emulator.caCertPem, groupSizes });
  process.on("message", async (message) => {
    if (message === "stats") process.send?.({ stats: emulator.admin.stats });
    if (message === "close") {
      await emulator.close();
      process.exit(0);
    }
  });
}

void main();
