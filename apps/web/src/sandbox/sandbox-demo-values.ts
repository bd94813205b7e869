// "Try with demo data": the sandbox emulators' public demo values (seeded by `npm start`).
// Not secrets: they only open the local Rescue and Graph emulators, which the server knows as the "sandbox"
// destination (a sandbox tenant picks it by name; the portal never sends an address).
export const sandboxRescueConnection = {
  email: "mah@contoso-demo.example",
  password: "Demo-Rescue-2026!",
  apiToken: "demotoken0techsync0rescue0emulator0service0token0for0the0sandbox0tenant0000001",
  region: "sandbox",
} as const;

export const sandboxDefaultPassword = "Welcome-2026-Sandbox!";

export const sandboxEntraConnection = {
  directoryId: "7d3b3f4e-5c2a-4e1b-9a6f-2c8d1e0f4a10",
  clientId: "a1c2e3f4-0b1d-4c5e-8f90-123456789abc",
  clientSecret: "Dmo8Q~TechSyncGraphDemoSecretValue0000001",
  cloud: "sandbox",
} as const;
