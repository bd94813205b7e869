// Tolerance of the unconfirmed parts of the API (docs/rescue-api.md), against scripted replies the emulator does not
// give: each test is a plausible shape of the real API that the client must survive.
import { FakeClock } from "@techsync/sync-core/testing";
import { createRescueClient } from "./rescue-client";

interface Exchange {
  method: string;
  form: URLSearchParams;
  cookie: string | null;
}

/** A fetch that answers by API method from a script of replies (the last one repeats). */
function scriptedFetch(
  script: Record<string, (string | { status: number; body: string; headers?: [string, string][] })[]>,
) {
  const exchanges: Exchange[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const method = /\/API\/([^/.]+)\.aspx$/.exec(String(url))?.[1] ?? "?";
    const headers = new Headers(init?.headers);
    exchanges.push({ method, form: new URLSearchParams(String(init?.body ?? "")), cookie: headers.get("cookie") });
    const replies = script[method] ?? ["ERROR"];
    const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
    if (typeof reply === "string") return new Response(reply, { status: 200 });
    return new Response(reply.body, { status: reply.status, headers: reply.headers ?? {} });
  };
  return { fetch: fetch as typeof globalThis.fetch, exchanges };
}

const HIERARCHY = (extra = "") =>
  `OK\n\nNodeID:1\nParentID:0\nName:Co\nType:Root\n\nNodeID:7\nParentID:1\nName:G\nType:TechnicianGroup\n${extra}\n`;

function client(fetch: typeof globalThis.fetch, withToken = true) {
  return createRescueClient({
    baseUrl: "https://rescue.test/",
    email: "mah@example.com",
    password: "Holder-2026!",
    ...(withToken ? { apiToken: "token" } : {}),
    fetch,
    clock: new FakeClock(),
    retryDelayMs: 1,
  });
}

const request = (n: number) => ({
  ref: `r${n}`,
  parentId: 7,
  password: "Welcome-2026!",
  fields: { name: `T ${n}`, nick: "", email: `t${n}@example.com`, ssoId: "" },
});

it("POSTs a form to <base>/API/<method>.aspx with the token as authcode", async () => {
  const { fetch, exchanges } = scriptedFetch({ getAccount: ["OK AccountID:1 Organization:Co AdminID:2 TechID:0"] });
  await client(fetch).getAccount();
  expect(exchanges).toEqual([{ method: "getAccount", form: new URLSearchParams({ authcode: "token" }), cookie: null }]);
});

it("falls back to login when a token call answers NOTLOGGEDIN, and sends back every login cookie", async () => {
  const { fetch, exchanges } = scriptedFetch({
    getAccount: ["NOTLOGGEDIN", "OK AccountID:1 Organization:Co AdminID:2 TechID:0"],
    login: [
      {
        status: 200,
        body: "OK",
        headers: [
          ["set-cookie", "ASP.NET_SessionId=abc; path=/; HttpOnly"],
          ["set-cookie", ".ASPXAUTH=xyz; path=/"],
        ],
      },
    ],
  });
  const rescue = client(fetch);
  expect((await rescue.getAccount()).accountId).toBe(1);
  expect(rescue.authMode).toBe("session");
  expect(exchanges.map((e) => e.method)).toEqual(["getAccount", "login", "getAccount"]);
  expect(exchanges[1]?.form.get("pwd")).toBe("Holder-2026!");
  expect(exchanges[2]?.cookie).toBe("ASP.NET_SessionId=abc; .ASPXAUTH=xyz");
  expect(exchanges[2]?.form.has("authcode")).toBe(false);
});

it("reports a login that sets no cookie", async () => {
  const { fetch } = scriptedFetch({ login: ["OK"] });
  await expect(client(fetch, false).getTree()).rejects.toMatchObject({ code: "NO_SESSION_COOKIE" });
});

it("resolves createUsers users by email when the reply has no per-user results (a bare OK); the rest one by one", async () => {
  const { fetch, exchanges } = scriptedFetch({
    createUsers: ["OK"],
    getHierarchy_v2: [
      HIERARCHY("\nNodeID:21\nParentID:7\nName:T 1\nEmail:T1@example.com\nStatus:Offline\nType:Technician\n"),
    ],
    createUser: ["OK 55"],
    setUser_v2: ["OK"],
  });
  const rescue = client(fetch);
  const results = await rescue.createTechnicians([request(1), request(2)]);
  expect(results).toEqual([
    { ref: "r1", ok: true, nodeId: 21 },
    { ref: "r2", ok: true, nodeId: 55 },
  ]);
  expect(exchanges.map((e) => e.method)).toEqual(["createUsers", "getHierarchy_v2", "createUser", "setUser_v2"]);
  expect(exchanges[0]?.form.get("USERDATA[1].email")).toBe("t2@example.com");
  expect(rescue.bulkCreateCapability).toBe("available");
});

it("a bulk reply of OK that created nobody is a refusal", async () => {
  const { fetch } = scriptedFetch({
    createUsers: ["OK"],
    getHierarchy_v2: [HIERARCHY()],
    createUser: ["OK 55"],
    setUser_v2: ["OK"],
  });
  const rescue = client(fetch);
  expect((await rescue.createTechnicians([request(1)]))[0]).toEqual({ ref: "r1", ok: true, nodeId: 55 });
  expect(rescue.bulkCreate).toMatchObject({
    capability: "unavailable",
    reason: "createUsers answered OK but created none of the batch",
  });
});

it("uses createUser + setUser_v2 when createUsers does not exist (HTTP 404)", async () => {
  const { fetch, exchanges } = scriptedFetch({
    createUsers: [{ status: 404, body: "Not Found" }],
    getHierarchy_v2: [HIERARCHY()],
    createUser: ["OK 55"],
    setUser_v2: ["OK"],
  });
  const results = await client(fetch).createTechnicians([request(1)]);
  expect(results).toEqual([{ ref: "r1", ok: true, nodeId: 55 }]);
  expect(exchanges.map((e) => e.method)).toEqual(["createUsers", "getHierarchy_v2", "createUser", "setUser_v2"]);
  const set = exchanges.find((e) => e.method === "setUser_v2")!.form;
  expect(Object.fromEntries(set)).toMatchObject({
    node: "55",
    name: "T 1",
    email: "t1@example.com",
    pwd: "Welcome-2026!",
    confpwd: "Welcome-2026!",
    status: "Enabled",
    mobileaddon: "False",
    rpataddon: "False",
  });
});

it("throws for the whole call when the connection itself is refused", async () => {
  const { fetch } = scriptedFetch({ createUsers: ["USER_DELETED_OR_DISABLED"] });
  await expect(client(fetch).createTechnicians([request(1)])).rejects.toMatchObject({
    code: "USER_DELETED_OR_DISABLED",
  });
});

it("reads getUser_v3 with every key on its own line, as well as in the official layout", async () => {
  const { fetch } = scriptedFetch({
    getUser_v3: [
      "OK\nNODEID: 9\nNAME: Jo Doe\nNICK: Jo\nEMAIL: jo@example.com\nSSOID: jo\nDESCRIPTION: \nTYPE: Technician\nHASMOBILEADDON: True\nHASRPATADDON: False\nISACCOUNTHOLDER: False\nSTATUS: Busy\n",
    ],
  });
  expect(await client(fetch).getUser({ nodeId: 9 })).toMatchObject({
    nodeId: 9,
    name: "Jo Doe",
    nick: "Jo",
    ssoId: "jo",
    description: "",
    kind: "technician",
    status: "enabled",
    rawStatus: "Busy",
    mobileAddon: true,
    rpatAddon: false,
  });
});

it("refuses a getUser_v3 reply that lacks documented keys instead of guessing (nothing is written)", async () => {
  const { fetch, exchanges } = scriptedFetch({
    getUser_v3: ["OK NODEID: 9 NAME: Jo NICK: EMAIL: jo@example.com TYPE: Technician STATUS: Disabled"],
  });
  await expect(client(fetch).setTechnicianStatus(9, "enabled")).rejects.toMatchObject({ code: "UNREADABLE_REPLY" });
  expect(exchanges.map((e) => e.method)).not.toContain("setUser_v2");
});

it("reports an HTML page (a login page for an unknown method) as a configuration error, not data", async () => {
  const { fetch } = scriptedFetch({ getAccount: ["<!DOCTYPE html><html><body>Log in</body></html>"] });
  await expect(client(fetch).getAccount()).rejects.toMatchObject({ code: "HTML_REPLY", retryable: false });
});

it.each([
  ["another service's JSON", '{"internal":"secret=42","service":"metadata"}'],
  ["an empty body", ""],
])("reports %s as not a Rescue reply, without repeating any of it", async (_, body) => {
  const { fetch } = scriptedFetch({ getAccount: [body] });
  const error = await client(fetch)
    .getAccount()
    .then(
      () => undefined,
      (e: unknown) => e as Error & { code: string; hint?: string },
    );
  expect(error).toMatchObject({
    code: "NOT_A_RESCUE_REPLY",
    message: expect.stringContaining("not a Rescue API reply"),
  });
  expect(`${error?.message} ${error?.hint}`).not.toMatch(/secret|internal|metadata|html/i);
});

describe("enabling when Rescue gives no reason (no licence code is documented)", () => {
  const user = (status: string) =>
    `OK NODEID: 9 NAME: Jo NICK: EMAIL: jo@example.com SSOID: DESCRIPTION: \nTYPE: Technician HASMOBILEADDON: False HASRPATADDON: False ISACCOUNTHOLDER: False STATUS: ${status}`;

  it("ERROR to status=Enabled: no blind retry; a re-read that shows it enabled means the write landed", async () => {
    const { fetch, exchanges } = scriptedFetch({
      getUser_v3: [user("Disabled"), user("Offline")],
      setUser_v2: ["ERROR"],
    });
    await client(fetch).setTechnicianStatus(9, "enabled");
    expect(exchanges.map((e) => e.method)).toEqual(["getUser_v3", "setUser_v2", "getUser_v3"]);
  });

  it("ERROR to status=Enabled and still disabled: fails verbatim with ERROR, not repeated here, a likely licence refusal", async () => {
    const { fetch, exchanges } = scriptedFetch({ getUser_v3: [user("Disabled")], setUser_v2: ["ERROR"] });
    const failure = client(fetch).setTechnicianStatus(9, "enabled");
    // retryable for the engine (ERROR is documented as transient); only a refusal that outlasts its retries stops
    // the run's other creates and enables
    await expect(failure).rejects.toMatchObject({
      code: "ERROR",
      retryable: true,
      holdUntilInputChanges: false,
      licenceRefusal: true,
    });
    await expect(failure).rejects.toHaveProperty("hint", expect.stringMatching(/licence/));
    expect(exchanges.filter((e) => e.method === "setUser_v2")).toHaveLength(1);
  });

  it("an undocumented code to status=Enabled: fails verbatim, held until the input changes", async () => {
    const { fetch } = scriptedFetch({ getUser_v3: [user("Disabled")], setUser_v2: ["NO_SEATS_LEFT"] });
    await expect(client(fetch).setTechnicianStatus(9, "enabled")).rejects.toMatchObject({
      code: "NO_SEATS_LEFT",
      holdUntilInputChanges: true,
      message: expect.stringContaining("NO_SEATS_LEFT"),
    });
  });

  it("re-sends every field it read when disabling (rule 16), freeing the mobile add-on", async () => {
    const { fetch, exchanges } = scriptedFetch({
      getUser_v3: [
        "OK NODEID: 9 NAME: Jo NICK: J EMAIL: jo@example.com SSOID: idp-9 DESCRIPTION: On call. STATUS: Busy\nTYPE: Technician HASMOBILEADDON: True HASRPATADDON: True ISACCOUNTHOLDER: False STATUS: Online",
      ],
      setUser_v2: ["OK"],
    });
    await client(fetch).setTechnicianStatus(9, "disabled");
    const sent = Object.fromEntries(exchanges.find((e) => e.method === "setUser_v2")!.form);
    expect(sent).toEqual({
      node: "9",
      name: "Jo",
      nick: "J",
      email: "jo@example.com",
      ssoid: "idp-9",
      description: "On call. STATUS: Busy",
      status: "Disabled",
      mobileaddon: "False",
      rpataddon: "True",
      authcode: "token",
    });
  });
});
