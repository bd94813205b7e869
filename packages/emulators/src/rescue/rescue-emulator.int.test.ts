// The emulator over HTTP: transport, parameter-name tolerance, plain-text shapes, faults and the admin interface.
import { DEMO_RESCUE_CONNECTION, demoRescueOrganisation } from "./organisation-seed";
import { type StartedRescueEmulator, startRescueEmulator } from "./rescue-emulator";

let emulator: StartedRescueEmulator;
beforeEach(async () => {
  emulator = await startRescueEmulator({ port: 0 });
});
afterEach(async () => {
  await emulator.close();
});

const token = DEMO_RESCUE_CONNECTION.apiToken;

async function post(path: string, form: Record<string, string>, cookie?: string) {
  const response = await fetch(`${emulator.url}${path}`, {
    method: "POST",
    headers: cookie ? { cookie } : {},
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

async function adminJson(path: string, body?: unknown) {
  const response = await fetch(`${emulator.url}/_emulator/rescue/${path}`, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function alexId() {
  return emulator.organisation.findByEmail("alex.morgan@contoso-demo.example")[0]!.id;
}

describe("transport", () => {
  it("answers the same over GET and POST, any path case, any parameter case, and the nodeID alias", async () => {
    const get = await fetch(`${emulator.url}/api/GETUSER_V3.ASPX?NodeID=${alexId()}&AuthCode=${token}`);
    expect(get.status).toBe(200);
    const getBody = await get.text();
    // The official layout: several keys on the OK line, a line break after DESCRIPTION.
    expect(getBody).toMatch(
      /^OK NODEID: \d+ NAME: Alex Morgan NICK: Alex EMAIL: \S+ SSOID: \S+ DESCRIPTION: .*\nTYPE: Technician HASMOBILEADDON: True HASRPATADDON: False ISACCOUNTHOLDER: False STATUS: Offline$/,
    );
    expect((await post("/API/getUser_v3.aspx", { NODEID: String(alexId()), authcode: token })).body).toBe(getBody);
  });

  it("answers plain text in the documented shapes", async () => {
    expect((await post("/API/getAccount.aspx", { authcode: token })).body).toMatch(
      /^OK AccountID:560961 Organization:Contoso Demo Support AdminID:\d+ TechID:0\nEmail:mah@contoso-demo\.example$/,
    );
    const hierarchy = (await post("/API/getHierarchy_v2.aspx", { authcode: token })).body;
    expect(hierarchy.startsWith("OK\n\nNodeID:")).toBe(true);
    expect(hierarchy).toContain("Type:TechnicianGroup");
    expect(hierarchy.endsWith("\n\n")).toBe(true);
    const created = await post("/API/createUser.aspx", {
      parentID: String([...emulator.organisation.nodes.values()].find((n) => n.name === "Support Tier 1")!.id),
      authcode: token,
    });
    expect(created.body).toMatch(/^OK \d+$/);
    expect((await post("/API/getUser_v3.aspx", { authcode: token })).body).toBe("INVALIDPARAM_NODE");
  });

  it("hides offline technicians only with filteroffline=true, and reads one node with isnode", async () => {
    const all = (await post("/API/getHierarchy_v2.aspx", { authcode: token })).body;
    const online = (await post("/API/getHierarchy_v2.aspx", { authcode: token, filteroffline: "true" })).body;
    expect(all).toContain("Alex Morgan");
    expect(online).not.toContain("Alex Morgan");
    expect(online).toContain("Support Tier 1");
    const one = (await post("/API/getHierarchy_v2.aspx", { authcode: token, isnode: "true", node: String(alexId()) }))
      .body;
    expect(one.match(/NodeID:/g)).toHaveLength(1);
  });

  it("keeps a login session in the ASP.NET_SessionId cookie; logout ends it", async () => {
    const login = await post("/API/login.aspx", {
      email: DEMO_RESCUE_CONNECTION.email,
      pwd: DEMO_RESCUE_CONNECTION.password,
    });
    expect(login.body).toBe("OK");
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    expect(cookie).toMatch(/^ASP\.NET_SessionId=/);
    expect((await post("/API/getAccount.aspx", {}, cookie)).body).toMatch(/^OK /);
    expect((await post("/API/logout.aspx", {}, cookie)).body).toBe("OK");
    expect((await post("/API/getAccount.aspx", {}, cookie)).body).toBe("NOTLOGGEDIN");
    expect((await post("/API/getAccount.aspx", {})).body).toBe("NOTLOGGEDIN");
  });

  it("expires sessions on the emulator clock", async () => {
    const login = await post("/API/login.aspx", {
      email: DEMO_RESCUE_CONNECTION.email,
      pwd: DEMO_RESCUE_CONNECTION.password,
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    expect((await adminJson("clock/advance", { ms: 20 * 60_000 })).status).toBe(200);
    expect((await post("/API/getAccount.aspx", {}, cookie)).body).toBe("NOTLOGGEDIN");
  });

  it("moves with the targetNodeID alias", async () => {
    const north = [...emulator.organisation.nodes.values()].find((n) => n.name === "Field Engineers North")!.id;
    const moved = await post("/API/moveNode.aspx", {
      nodeID: String(alexId()),
      targetNodeID: String(north),
      authcode: token,
    });
    expect(moved.body).toBe("OK");
    expect(emulator.organisation.nodes.get(alexId())?.parentId).toBe(north);
  });

  it("answers a method it does not know with the HTML login page, as third-party notes report", async () => {
    const unknown = await post("/API/noSuchMethod.aspx", { authcode: token });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatch(/^<!DOCTYPE html>/);
  });
});

describe("faults", () => {
  it("answers HTTP 503 with Retry-After, and ERROR, without applying", async () => {
    await adminJson("faults", { retryAfterSeconds: 3, script: [{ kind: "http503" }, { kind: "error" }] });
    const unavailable = await post("/API/getAccount.aspx", { authcode: token });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("retry-after")).toBe("3");
    expect((await post("/API/getAccount.aspx", { authcode: token })).body).toBe("ERROR");
    expect((await post("/API/getAccount.aspx", { authcode: token })).body).toMatch(/^OK /);
  });

  it("applies and then loses the reply", async () => {
    await adminJson("faults", { script: [{ method: "setUser_v2", kind: "lostReply" }] });
    const reply = await post("/API/setUser_v2.aspx", {
      authcode: token,
      node: String(alexId()),
      name: "Renamed",
      email: "alex.morgan@contoso-demo.example",
      status: "Enabled",
      mobileaddon: "True",
      rpataddon: "False",
    });
    expect(reply.body).toBe("ERROR");
    expect(emulator.organisation.nodes.get(alexId())?.name).toBe("Renamed");
  });

  it("adds latency and slow replies", async () => {
    emulator.faults.set({ latencyMs: 30, slowResponseMs: 60, script: [{ kind: "slow" }] });
    const started = Date.now();
    await post("/API/getAccount.aspx", { authcode: token });
    expect(Date.now() - started).toBeGreaterThanOrEqual(85);
  });

  it("draws rate-based faults from a seeded RNG, so runs repeat", async () => {
    const draw = () => {
      emulator.faults.set({ seed: 7, errorRate: 0.5 });
      return Array.from({ length: 20 }, () => emulator.faults.pick("getAccount"));
    };
    const first = draw();
    expect(draw()).toEqual(first);
    expect(first.filter((f) => f === "error").length).toBeGreaterThan(3);
    expect(emulator.faults.pick("login")).toBeUndefined();
  });

  it("refuses malformed faults", async () => {
    expect((await adminJson("faults", { errorRate: 2 })).status).toBe(400);
  });
});

describe("admin interface", () => {
  it("reads the whole state, without passwords", async () => {
    const { json } = await adminJson("state");
    expect(json.licences).toEqual({ technicians: { total: 60, used: 2 }, mobile: { total: 10, used: 1 } });
    expect(JSON.stringify(json)).not.toContain(DEMO_RESCUE_CONNECTION.password);
  });

  it("moves and disables a technician by hand, and enables it again", async () => {
    const tier2 = [...emulator.organisation.nodes.values()].find((n) => n.name === "Support Tier 2")!.id;
    expect((await adminJson(`nodes/${alexId()}/move`, { targetNodeId: tier2 })).json).toEqual({ result: "OK" });
    expect((await adminJson(`nodes/${alexId()}/disable`, {})).json).toEqual({ result: "OK" });
    expect(emulator.organisation.nodes.get(alexId())).toMatchObject({
      parentId: tier2,
      enabled: false,
      mobileAddon: false,
    });
    expect((await adminJson(`nodes/${alexId()}/enable`, {})).status).toBe(200);
    const refused = await adminJson(`nodes/${alexId()}/move`, {
      targetNodeId: emulator.organisation.categoryIds.technicians,
    });
    expect(refused).toEqual({ status: 409, json: { result: "INVALID_MOVE" } });
  });

  it("seeds from JSON, refuses a bad seed, and resets to the last seed", async () => {
    const seed = { ...demoRescueOrganisation(), technicianGroups: [{ name: "Only Group" }] };
    expect((await adminJson("seed", seed)).status).toBe(200);
    expect(emulator.organisation.technicians()).toHaveLength(0);
    expect((await adminJson("seed", { nothing: true })).status).toBe(400);
    await post("/API/createUser.aspx", {
      authcode: token,
      parent: String([...emulator.organisation.nodes.values()].find((n) => n.name === "Only Group")!.id),
    });
    await adminJson("faults", { errorRate: 1 });
    expect(emulator.organisation.technicians()).toHaveLength(1);
    await adminJson("reset", {});
    expect(emulator.organisation.technicians()).toHaveLength(0);
    expect(emulator.faults.current.errorRate).toBe(0);
  });
});

describe("strict by default", () => {
  const tier1 = () => String([...emulator.organisation.nodes.values()].find((n) => n.name === "Support Tier 1")!.id);
  const userRows = (count: number) => {
    const form: Record<string, string> = { authcode: token };
    for (let i = 0; i < count; i++) {
      Object.assign(form, {
        [`USERDATA[${i}].uniqueid`]: `u${i}`,
        [`USERDATA[${i}].parentid`]: tier1(),
        [`USERDATA[${i}].name`]: `User ${i}`,
        [`USERDATA[${i}].nick`]: "",
        [`USERDATA[${i}].email`]: `user.${i}@contoso-demo.example`,
        [`USERDATA[${i}].ssoid`]: "",
        [`USERDATA[${i}].pwd`]: "Welcome-2026!",
        [`USERDATA[${i}].confpwd`]: "Welcome-2026!",
        [`USERDATA[${i}].status`]: "Disabled",
      });
    }
    return form;
  };

  it("refuses more than 1,000 form keys with HTTP 500, and accepts 1,000", async () => {
    emulator.setBehaviour({ createUsers: "enabled" });
    // 111 users × 9 fields + authcode = 1,000 keys.
    const atLimit = await post("/API/createUsers.aspx", userRows(111));
    expect(atLimit.status).toBe(200);
    expect(atLimit.body.startsWith("OK")).toBe(true);
    const over = await post("/API/createUsers.aspx", { ...userRows(112), authcode: token });
    expect(over.status).toBe(500);
    expect(over.body).toMatch(/The URL-encoded form data is not valid/);
    expect(emulator.organisation.findByEmail("user.111@contoso-demo.example")).toEqual([]);
  });

  it("refuses a body over 4 MB (HTTP 500) and a query string over 2,048 characters (HTTP 400)", async () => {
    const big = await post("/API/getAccount.aspx", { authcode: token, description: "x".repeat(4 * 1024 * 1024) });
    expect(big.status).toBe(500);
    expect(big.body).toMatch(/Maximum request length exceeded/);
    const long = await fetch(`${emulator.url}/API/getAccount.aspx?authcode=${token}&pad=${"x".repeat(2048)}`);
    expect(long.status).toBe(400);
    const fine = await fetch(`${emulator.url}/API/getAccount.aspx?authcode=${token}`);
    expect(fine.status).toBe(200);
  });

  it("refuses createUsers unless switched on, in the variant asked for", async () => {
    const expectations: [string, number, RegExp][] = [
      ["http500", 500, /Server Error/],
      ["error", 200, /^ERROR$/],
      ["notFound", 404, /Not Found/],
      ["htmlPage", 200, /^<!DOCTYPE html>/],
      ["unknownCode", 200, /^NOT_SUPPORTED$/],
    ];
    expect((await adminJson("behaviour")).json.createUsers).toBe("http500");
    for (const [variant, status, body] of expectations) {
      expect((await adminJson("behaviour", { createUsers: variant })).status).toBe(200);
      const reply = await post("/API/createUsers.aspx", userRows(1));
      expect([variant, reply.status]).toEqual([variant, status]);
      expect(reply.body).toMatch(body);
    }
    expect(emulator.organisation.findByEmail("user.0@contoso-demo.example")).toEqual([]);
    expect((await adminJson("behaviour", { createUsers: "sometimes" })).status).toBe(400);
  });

  it("refuses the AdSync service token as authcode; the API token works", async () => {
    expect((await post("/API/getAccount.aspx", { authcode: DEMO_RESCUE_CONNECTION.serviceToken })).body).toBe(
      "INVALID_SECRETAUTHCODE",
    );
    expect((await post("/API/getAccount.aspx", { authcode: token })).body).toMatch(/^OK /);
  });

  it("denies the login and requestAuthCode endpoints when the organisation says so, in the variant asked for", async () => {
    emulator.organisation.load({
      ...demoRescueOrganisation(),
      apiSettings: { denyLoginEndpoint: true, denyRequestAuthCode: true },
    });
    const credentials = { email: DEMO_RESCUE_CONNECTION.email, pwd: DEMO_RESCUE_CONNECTION.password };
    const login = await post("/API/login.aspx", credentials);
    expect([login.status, login.body]).toEqual([200, "ACCESS_DENIED"]);
    expect(login.headers.get("set-cookie")).toBeNull();
    expect((await post("/API/requestAuthCode.aspx", credentials)).body).toBe("ACCESS_DENIED");
    emulator.setBehaviour({ deniedEndpoint: "http403" });
    expect((await post("/API/login.aspx", credentials)).status).toBe(403);
    emulator.setBehaviour({ deniedEndpoint: "error" });
    expect((await post("/API/login.aspx", credentials)).body).toBe("ERROR");
    // The API token still works, and was not replaced.
    expect((await post("/API/getAccount.aspx", { authcode: token })).body).toMatch(/^OK /);
  });

  it("refuses a technician beyond the named licences with ERROR by default, or the token asked for", async () => {
    emulator.organisation.account.technicianLicences = emulator.organisation.enabledTechnicians();
    const casey = emulator.organisation.findByEmail("casey.old@contoso-demo.example")[0]!;
    const enable = {
      node: String(casey.id),
      name: casey.name,
      email: casey.email,
      status: "Enabled",
      mobileaddon: "False",
      rpataddon: "False",
      authcode: token,
    };
    expect((await post("/API/setUser_v2.aspx", enable)).body).toBe("ERROR");
    emulator.setBehaviour({ licenceRefusal: "LICENSELIMITREACHED" });
    expect((await post("/API/setUser_v2.aspx", enable)).body).toBe("LICENSELIMITREACHED");
    expect(casey.enabled).toBe(false);
  });
});
