// The portal's connection forms filled with the emulators' demo accounts, on the `sandbox` destination: what
// a sandbox tenant sends to PUT rescue-connection and entra-connection. Not a test file itself.
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID } from "@techsync/emulators/graph";
import { DEMO_RESCUE_CONNECTION } from "@techsync/emulators/rescue";

/** The Rescue form: the stored token is the "Generate API token" value. */
export const SANDBOX_RESCUE_BODY = {
  email: DEMO_RESCUE_CONNECTION.email,
  password: DEMO_RESCUE_CONNECTION.password,
  apiToken: DEMO_RESCUE_CONNECTION.apiToken,
  region: "sandbox",
};

/** The Entra form: the demo app registration of the Graph emulator's demo directory. */
export const SANDBOX_ENTRA_BODY = {
  directoryId: DEMO_TENANT_ID,
  clientId: DEMO_CLIENT_ID,
  clientSecret: DEMO_CLIENT_SECRET,
  cloud: "sandbox",
};
