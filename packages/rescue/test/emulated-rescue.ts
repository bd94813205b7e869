// Test fixture: a Rescue emulator on port 0 and a client pointed at it, sharing one virtual clock so that backoff,
// session expiry and login pacing cost no real time.
import {
  DEMO_RESCUE_CONNECTION,
  demoRescueOrganisation,
  type RescueOrganisationSeed,
  type StartedRescueEmulator,
  startRescueEmulator,
} from "@techsync/emulators/rescue";
import type { TechnicianCreateRequest } from "@techsync/sync-core";
import { FakeClock } from "@techsync/sync-core/testing";
import { createRescueClient, type RescueClient, type RescueClientOptions } from "../src/index";

export const DEFAULT_PASSWORD = "Welcome-2026!";

export interface EmulatedRescue {
  emulator: StartedRescueEmulator;
  clock: FakeClock;
  client(options?: Partial<RescueClientOptions>): RescueClient;
}

export async function startEmulatedRescue(
  seed: RescueOrganisationSeed = demoRescueOrganisation(),
): Promise<EmulatedRescue> {
  const clock = new FakeClock(new Date());
  const emulator = await startRescueEmulator({ port: 0, seed, now: () => clock.now().getTime() });
  return {
    emulator,
    clock,
    client: (options = {}) =>
      createRescueClient({
        baseUrl: emulator.url,
        email: DEMO_RESCUE_CONNECTION.email,
        password: DEMO_RESCUE_CONNECTION.password,
        apiToken: DEMO_RESCUE_CONNECTION.apiToken,
        timeoutMs: 2_000,
        retryDelayMs: 10,
        clock,
        ...options,
      }),
  };
}

export function groupId(emulator: StartedRescueEmulator, name: string): number {
  const group = [...emulator.organisation.nodes.values()].find((n) => n.type === "TechnicianGroup" && n.name === name);
  if (!group) throw new Error(`no technician group ${name}`);
  return group.id;
}

export function createRequest(
  parentId: number,
  n: number | string,
  password = DEFAULT_PASSWORD,
): TechnicianCreateRequest {
  return {
    ref: `entra-${n}`,
    parentId,
    password,
    fields: {
      name: `Tech ${n}`,
      nick: `T${n}`,
      email: `tech.${n}@contoso-demo.example`,
      ssoId: `tech.${n}@contoso-demo.example`,
    },
  };
}

/** Technicians per email in the emulator, to prove no duplicate was made. */
export function techniciansByEmail(emulator: StartedRescueEmulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of emulator.organisation.technicians()) {
    const key = t.email.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
