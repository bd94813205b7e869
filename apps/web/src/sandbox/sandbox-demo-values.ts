// "Try with demo data": the sandbox emulators' public demo values (seeded by `npm start`).
// Not secrets: they only open the local Rescue and Graph emulators, which the server knows as the "sandbox"
// destination (a sandbox tenant picks it by name; the portal never sends an address).

/**
 * rule 15: one tenant per Rescue organisation, so each sandbox tenant gets an emulated organisation of its own. The
 * sandbox's Rescue emulator opens a fresh copy of the demo organisation for a token of this documented form: the
 * prefix, then 32 lowercase hex characters (here the tenant id without its dashes), with its own Master Account
 * Holder. The form is the emulator's (packages/emulators/src/rescue/organisation-seed.ts, SANDBOX_TOKEN_PREFIX).
 */
const SANDBOX_TOKEN_PREFIX = "demotoken0techsync0sandbox0org0";

export function sandboxRescueConnection(tenantId: string) {
  const suffix = tenantId.replaceAll("-", "").toLowerCase();
  return {
    email: `mah+${suffix}@contoso-demo.example`,
    password: "Demo-Rescue-2026!",
    apiToken: `${SANDBOX_TOKEN_PREFIX}${suffix}`,
    region: "sandbox",
  } as const;
}

export const sandboxDefaultPassword = "Welcome-2026-Sandbox!";

export const sandboxEntraConnection = {
  directoryId: "7d3b3f4e-5c2a-4e1b-9a6f-2c8d1e0f4a10",
  clientId: "a1c2e3f4-0b1d-4c5e-8f90-123456789abc",
  clientSecret: "Dmo8Q~TechSyncGraphDemoSecretValue0000001",
  cloud: "sandbox",
} as const;
