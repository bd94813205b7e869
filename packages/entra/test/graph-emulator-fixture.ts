// Starts a Graph/Entra emulator for one test file and builds source configs pointing at it.
import {
  type EmulatedApp,
  type GraphEmulatorOptions,
  type RunningGraphEmulator,
  startGraphEmulator,
  type TenantSeed,
} from "@techsync/emulators/graph";
import type { EntraConnectionConfig } from "../src";

export const TEST_CLIENT_ID = "c0ffee00-1111-4222-8333-444455556666";
export const TEST_CLIENT_SECRET = "Tst8Q~contract-test-secret-value-000000001";
export const TEST_SECRET_ID = "d1d2d3d4-aaaa-4bbb-8ccc-eeeeffff0000";
export const TEST_EXPIRED_SECRET = "Tst8Q~contract-test-secret-expired-0000001";

export function testApp(roles: string[] = ["User.Read.All", "Group.Read.All", "Directory.Read.All"]): EmulatedApp {
  return {
    clientId: TEST_CLIENT_ID,
    displayName: "TechSync contract tests",
    secrets: [
      { id: TEST_SECRET_ID, value: TEST_CLIENT_SECRET, expiresAt: "2099-01-01T00:00:00Z" },
      { id: "e1e2e3e4-aaaa-4bbb-8ccc-eeeeffff0000", value: TEST_EXPIRED_SECRET, expiresAt: "2020-01-01T00:00:00Z" },
    ],
    roles,
  };
}

export async function startTestEmulator(options: GraphEmulatorOptions): Promise<RunningGraphEmulator> {
  return startGraphEmulator({ ...options, port: 0, host: "127.0.0.1" });
}

/** A config as the worker would build it, aimed at the emulator; waits scaled down so the suite stays fast. */
export function sourceConfig(
  emulator: RunningGraphEmulator,
  tenant: Pick<TenantSeed, "tenantId">,
  overrides: Partial<EntraConnectionConfig> = {},
): EntraConnectionConfig {
  return {
    tenantId: tenant.tenantId,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    authorityHost: emulator.url,
    graphBaseUrl: emulator.url,
    ca: emulator.caCertPem,
    baseBackoffMs: 20,
    ...overrides,
  };
}

export async function collect<T>(pages: AsyncIterable<T[]>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let count = 0;
  for await (const page of pages) {
    count += 1;
    items.push(...page);
  }
  return { items, pages: count };
}
