// The emulators' demo accounts, for the sandbox seed. Kept out of src/ so the API's production code never
// depends on @techsync/emulators (a devDependency).
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_GROUP_IDS, DEMO_TENANT_ID } from "@techsync/emulators/graph";
import { DEMO_RESCUE_CONNECTION } from "@techsync/emulators/rescue";
import type { SandboxDemoAccounts } from "../src/sandbox/seed-sandbox-tenant";

export const EMULATOR_DEMO_ACCOUNTS: SandboxDemoAccounts = {
  rescue: {
    email: DEMO_RESCUE_CONNECTION.email,
    password: DEMO_RESCUE_CONNECTION.password,
    apiToken: DEMO_RESCUE_CONNECTION.apiToken,
  },
  entra: {
    directoryId: DEMO_TENANT_ID,
    clientId: DEMO_CLIENT_ID,
    clientSecret: DEMO_CLIENT_SECRET,
    groupIds: {
      helpdesk: DEMO_GROUP_IDS.helpdesk,
      escalations: DEMO_GROUP_IDS.escalations,
      fieldSupport: DEMO_GROUP_IDS.fieldSupport,
    },
  },
};
