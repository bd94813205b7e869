// "Try with demo data": the sandbox emulators' public demo values (seeded by `npm start`).
// Not secrets: they only open the local Rescue and Graph emulators.
export const sandboxRescueConnection = {
  email: "mah@contoso-demo.example",
  password: "Demo-Rescue-2026!",
  serviceToken: "demotoken0techsync0rescue0emulator0service0token0for0the0sandbox0tenant0000001",
  apiBaseUrl: "http://127.0.0.1:4010",
} as const;

export const sandboxDefaultPassword = "Welcome-2026-Sandbox!";

export const sandboxEntraConnection = {
  directoryId: "7d3b3f4e-5c2a-4e1b-9a6f-2c8d1e0f4a10",
  clientId: "a1c2e3f4-0b1d-4c5e-8f90-123456789abc",
  clientSecret: "Dmo8Q~TechSyncGraphDemoSecretValue0000001",
  authorityHost: "https://127.0.0.1:4020",
  graphBaseUrl: "https://127.0.0.1:4020",
} as const;
