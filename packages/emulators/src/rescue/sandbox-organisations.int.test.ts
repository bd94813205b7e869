// The sandbox configuration's organisations (rule 15: one tenant per organisation): a token of the documented
// sandbox form opens a fresh copy of the demo organisation of its own, with its own AccountID, Master Account
// Holder and technicians; without the option, or for any other token, the emulator stays as strict as Rescue.
import {
  DEMO_RESCUE_CONNECTION,
  SANDBOX_TOKEN_PREFIX,
  sandboxRescueConnection,
  sandboxSuffixOf,
} from "./organisation-seed";
import { type StartedRescueEmulator, startRescueEmulator } from "./rescue-emulator";

const SUFFIX_A = "0123456789abcdef0123456789abcdef";
const SUFFIX_B = "fedcba9876543210fedcba9876543210";

let emulator: StartedRescueEmulator;
afterEach(async () => {
  await emulator?.close();
});

async function call(method: string, form: Record<string, string>, cookie?: string) {
  const response = await fetch(`${emulator.url}/API/${method}.aspx`, {
    method: "POST",
    headers: cookie ? { cookie } : {},
    body: new URLSearchParams(form),
  });
  return { body: await response.text(), cookie: response.headers.get("set-cookie")?.split(";")[0] };
}

const accountIdOf = (body: string) => Number(/AccountID:(\d+)/.exec(body)?.[1]);

describe("sandbox organisations", () => {
  test("rule 15: each sandbox token opens an organisation of its own, a fresh copy of the demo one", async () => {
    emulator = await startRescueEmulator({ port: 0, sandboxOrganisations: true });
    const a = sandboxRescueConnection(SUFFIX_A);
    const b = sandboxRescueConnection(SUFFIX_B);
    const accountA = await call("getAccount", { authcode: a.apiToken });
    const accountB = await call("getAccount", { authcode: b.apiToken });
    const demo = await call("getAccount", { authcode: DEMO_RESCUE_CONNECTION.apiToken });
    expect(accountA.body).toMatch(/^OK AccountID:\d+ Organization:Contoso Demo Support AdminID:\d+ TechID:0\n/);
    expect(accountA.body).toContain(`Email:${a.email}`);
    const ids = [accountIdOf(accountA.body), accountIdOf(accountB.body), accountIdOf(demo.body)];
    expect(new Set(ids).size).toBe(3);
    expect(ids[2]).toBe(560961);
    // The same token again: the same organisation, not another copy.
    expect(accountIdOf((await call("getAccount", { authcode: a.apiToken })).body)).toBe(ids[0]);
    expect([...emulator.organisations().keys()].sort()).toEqual([...ids].sort());

    // A change in one copy is not seen in another, nor in the demo organisation: through the API (a create) and
    // through the admin interface, which reaches a copy by its AccountID.
    const orgA = emulator.organisations().get(ids[0]!)!;
    const others = [emulator.organisations().get(ids[1]!)!, emulator.organisation];
    const sizes = others.map((org) => org.nodes.size);
    const tier1 = [...orgA.nodes.values()].find((n) => n.name === "Support Tier 1")!;
    expect((await call("createUser", { parent: String(tier1.id), authcode: a.apiToken })).body).toMatch(/^OK \d+$/);
    const alexA = orgA.findByEmail("alex.morgan@contoso-demo.example")[0]!;
    const disabled = await fetch(`${emulator.url}/_emulator/rescue/nodes/${alexA.id}/disable?account=${ids[0]}`, {
      method: "POST",
    });
    expect(disabled.status).toBe(200);
    expect(orgA.findByEmail("alex.morgan@contoso-demo.example")[0]!.enabled).toBe(false);
    expect(others.map((org) => org.nodes.size)).toEqual(sizes);
    for (const other of others) {
      expect(other.findByEmail("alex.morgan@contoso-demo.example")[0]!.enabled).toBe(true);
    }
    // The admin interface's default is the first organisation.
    const state = await fetch(`${emulator.url}/_emulator/rescue/state?account=${ids[0]}`).then(
      (r) => r.json() as Promise<{ account: { id: number } }>,
    );
    expect(state.account.id).toBe(ids[0]);
    const first = await fetch(`${emulator.url}/_emulator/rescue/state`).then(
      (r) => r.json() as Promise<{ account: { id: number } }>,
    );
    expect(first.account.id).toBe(560961);
    expect((await fetch(`${emulator.url}/_emulator/rescue/state?account=42`)).status).toBe(404);
    // A reset forgets the copies.
    emulator.reset();
    expect([...emulator.organisations().keys()]).toEqual([560961]);
  });

  test("a sandbox organisation's Master Account Holder logs in to that organisation only", async () => {
    emulator = await startRescueEmulator({ port: 0, sandboxOrganisations: true });
    const a = sandboxRescueConnection(SUFFIX_A);
    const idA = accountIdOf((await call("getAccount", { authcode: a.apiToken })).body);
    const login = await call("login", { email: a.email, pwd: DEMO_RESCUE_CONNECTION.password });
    expect(login.body).toBe("OK");
    expect(accountIdOf((await call("getAccount", {}, login.cookie)).body)).toBe(idA);
    // The demo organisation's holder still lands in the demo organisation.
    const demo = await call("login", { email: DEMO_RESCUE_CONNECTION.email, pwd: DEMO_RESCUE_CONNECTION.password });
    expect(accountIdOf((await call("getAccount", {}, demo.cookie)).body)).toBe(560961);
  });

  test("strict outside the sandbox option, and for tokens not of the sandbox form", async () => {
    emulator = await startRescueEmulator({ port: 0 });
    const a = sandboxRescueConnection(SUFFIX_A);
    expect((await call("getAccount", { authcode: a.apiToken })).body).toBe("INVALID_SECRETAUTHCODE");
    expect([...emulator.organisations().keys()]).toEqual([560961]);
    await emulator.close();

    emulator = await startRescueEmulator({ port: 0, sandboxOrganisations: true });
    for (const token of [
      `${SANDBOX_TOKEN_PREFIX}${SUFFIX_A.toUpperCase()}`,
      `${SANDBOX_TOKEN_PREFIX}${SUFFIX_A}0`,
      `${SANDBOX_TOKEN_PREFIX}xyz`,
      "demotoken0techsync0rescue0emulator0service0token0for0the0sandbox0tenant0000002",
    ]) {
      expect(sandboxSuffixOf(token)).toBeUndefined();
      expect((await call("getAccount", { authcode: token })).body).toBe("INVALID_SECRETAUTHCODE");
    }
    expect([...emulator.organisations().keys()]).toEqual([560961]);
  });
});
