// Reading the stored client secret's expiry from the app registration in Graph, through the real Graph client
// against the emulator: granted, not granted, several credentials, and Graph failing.
import { generateDirectory, type RunningGraphEmulator } from "@techsync/emulators/graph";
import { forgetCachedTokens, readClientSecretExpiry } from "../src";
import { sourceConfig, startTestEmulator, TEST_CLIENT_ID, TEST_SECRET_ID, testApp } from "./graph-emulator-fixture";

const tenant = generateDirectory({
  seed: 21,
  tenantId: "40000000-0000-4000-a000-000000000021",
  domain: "expiry.example",
  users: 3,
  groups: 1,
  apps: [testApp()],
});

let emulator: RunningGraphEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ tenants: [tenant] });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.admin.reset();
  forgetCachedTokens();
});

const app = () => emulator.admin.requireTenant(tenant.tenantId);

describe("readClientSecretExpiry", () => {
  it("finds the stored secret among the app's credentials by its hint (the expired one shares it)", async () => {
    app().addAppSecret(TEST_CLIENT_ID, {
      id: "f0000000-0000-4000-8000-000000000001",
      value: "Oth~x",
      expiresAt: "2026-12-20T00:00:00Z",
    });
    const expiry = await readClientSecretExpiry(sourceConfig(emulator, tenant));
    expect(expiry).toEqual({ status: "found", expiresAt: new Date("2099-01-01T00:00:00Z"), keyId: TEST_SECRET_ID });
  });

  it("works with Application.Read.All alone", async () => {
    app().setAppRoles(TEST_CLIENT_ID, ["Group.Read.All", "Application.Read.All"]);
    const expiry = await readClientSecretExpiry(sourceConfig(emulator, tenant));
    expect(expiry.status).toBe("found");
  });

  it("answers not permitted, without throwing, when the app may not read app registrations", async () => {
    app().setAppRoles(TEST_CLIENT_ID, ["User.Read.All", "Group.Read.All"]);
    await expect(readClientSecretExpiry(sourceConfig(emulator, tenant))).resolves.toEqual({ status: "not_permitted" });
  });

  it("answers unknown when two live credentials share the stored secret's hint", async () => {
    app().addAppSecret(TEST_CLIENT_ID, {
      id: "f0000000-0000-4000-8000-000000000002",
      value: "Tst-newer",
      expiresAt: "2030-01-01T00:00:00Z",
    });
    const expiry = await readClientSecretExpiry(sourceConfig(emulator, tenant));
    expect(expiry.status).toBe("unknown");
  });

  it("answers unknown, without throwing, when Graph is unavailable", async () => {
    emulator.admin.setFaults({ unavailable: { count: 10, status: 503 } });
    const expiry = await readClientSecretExpiry(sourceConfig(emulator, tenant, { maxRetries: 0 }));
    expect(expiry.status).toBe("unknown");
  });
});
