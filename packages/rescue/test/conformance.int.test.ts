// Conformance: every official sample reply and every independently observed behaviour the client relies on,
// replayed against the parser, the client and the emulator. Each title names its source in words; the fixtures'
// README says where each sample comes from.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { demoRescueOrganisation, type RescueOrganisationSeed } from "@techsync/emulators/rescue";
import { FakeClock } from "@techsync/sync-core/testing";
import { createRescueClient, type RescueClient } from "../src/index";
import { parsePlainTextReply } from "../src/wire/plain-text";
import { GET_USER_LAYOUT, GET_USER_V3_LAYOUT, readKeyedFields } from "../src/wire/reply-layouts";
import { type EmulatedRescue, startEmulatedRescue } from "./emulated-rescue";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

/** A fetch that answers each API method with a fixed body, and records what was called. */
function replaying(replies: Record<string, string>) {
  const calls: { method: string; form: URLSearchParams }[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const method = /\/API\/([^/.]+)\.aspx$/.exec(String(url))?.[1] ?? "?";
    calls.push({ method, form: new URLSearchParams(String(init?.body ?? "")) });
    return new Response(replies[method] ?? "ERROR", { status: 200 });
  };
  const client = createRescueClient({
    baseUrl: "https://rescue.test",
    email: "mah@example.com",
    password: "",
    apiToken: "token",
    fetch: fetch as typeof globalThis.fetch,
    clock: new FakeClock(),
    retryDelayMs: 1,
    maxAttempts: 1,
  });
  return { client, calls };
}

const SAMPLE_USER = {
  nodeid: "337366",
  name: "John Doe",
  nick: "",
  email: "jdoe@company.com",
  ssoid: "",
  description: "",
  type: "Technician",
  hasmobileaddon: "False",
  isaccountholder: "True",
  status: "Online",
};

describe("official samples, parsed", () => {
  it("official getUser_v3 page: keys on the OK line, a break after DESCRIPTION, empty values, trailing space", () => {
    const body = fixture("official-getUser_v3.txt");
    expect(body).toContain("NICK: EMAIL:");
    expect(body).toContain("DESCRIPTION: \nTYPE:");
    const read = readKeyedFields(parsePlainTextReply(body).text, GET_USER_V3_LAYOUT);
    expect(read).toEqual({ ok: true, fields: { ...SAMPLE_USER, hasrpataddon: "True" } });
  });

  it("official getUser page: the same layout without HASRPATADDON", () => {
    const read = readKeyedFields(parsePlainTextReply(fixture("official-getUser.txt")).text, GET_USER_LAYOUT);
    expect(read).toEqual({ ok: true, fields: SAMPLE_USER });
  });

  it("official getUser_v3 page, every plausible separator: a line break on every key, none, CRLF, trailing spaces", () => {
    const sample = fixture("official-getUser_v3.txt");
    const variants = [
      sample.replace(/ (?=[A-Z]+: )/g, "\n"),
      sample.replace("\n", " "),
      sample.replace(/\n/g, "\r\n"),
      `${sample}  \r\n`,
      sample.replace(/^OK /, "OK\n"),
    ];
    for (const body of variants) {
      const read = readKeyedFields(parsePlainTextReply(body).text, GET_USER_V3_LAYOUT);
      expect(read).toEqual({ ok: true, fields: { ...SAMPLE_USER, hasrpataddon: "True" } });
    }
  });

  it("official getUser_v3 page through the client: an account holder technician, enabled (Online is a presence)", async () => {
    const { client } = replaying({ getUser_v3: fixture("official-getUser_v3.txt") });
    expect(await client.getUser({ nodeId: 337366 })).toEqual({
      nodeId: 337366,
      name: "John Doe",
      nick: "",
      email: "jdoe@company.com",
      ssoId: "",
      description: "",
      kind: "technician",
      rawStatus: "Online",
      status: "enabled",
      mobileAddon: false,
      rpatAddon: true,
      accountHolder: true,
    });
  });

  it("official requestAuthCode page: `OK AUTHCODE: ` then a 79-character code (a third-party reader strips 13 characters)", () => {
    const body = fixture("official-requestAuthCode.txt");
    const reply = parsePlainTextReply(body);
    expect(reply.code).toBe("OK");
    expect(reply.fields.authcode).toHaveLength(79);
    expect(reply.fields.authcode).toBe(body.slice(13));
  });

  it("official getAccount page: four `Key:value` fields on the OK line, then Email on its own line", async () => {
    const { client } = replaying({ getAccount: fixture("official-getAccount.txt") });
    expect(await client.getAccount()).toEqual({
      accountId: 560961,
      organization: "Company",
      adminId: 337365,
      techId: 337366,
      email: "jdoe@company.com",
    });
  });

  it("official getAccount page: an organisation name holding key-like text stays whole", async () => {
    const { client } = replaying({
      getAccount: "OK AccountID:1 Organization:Acme AdminID:9 TechID:9 Ltd AdminID:2 TechID:0\r\nEmail:a@b.example",
    });
    expect(await client.getAccount()).toMatchObject({
      organization: "Acme AdminID:9 TechID:9 Ltd",
      adminId: 2,
      techId: 0,
    });
  });

  it("official createUser page: `OK [new person nodeid]`", () => {
    expect(parsePlainTextReply(fixture("official-createUser.txt"))).toMatchObject({ code: "OK", value: "337366" });
  });

  it("third-party getHierarchy_v2 parser: OK, a blank line, `Key:value` blocks; a colon in a value stays in it", async () => {
    const { client } = replaying({ getHierarchy_v2: fixture("third-party-getHierarchy_v2.txt") });
    const tree = await client.getTree();
    expect(tree.map((n) => [n.id, n.parentId, n.kind, n.status])).toEqual([
      [337360, null, "root", "enabled"],
      [337363, 337360, "technicians", "enabled"],
      [337365, 337363, "technicianGroup", "enabled"],
      [337366, 337365, "technician", "enabled"],
    ]);
    expect(tree[3]).toMatchObject({ name: "John Doe", email: "jdoe@company.com" });
  });

  it("official getLoginTicket page: `OK:<url>`", () => {
    expect(parsePlainTextReply("OK:https://secure.logmeinrescue.com/SSO/ticket?t=1")).toMatchObject({
      code: "OK",
      value: "https://secure.logmeinrescue.com/SSO/ticket?t=1",
    });
  });

  it("third-party API notes: an unknown method answers with the HTML login page, a configuration error and never data", async () => {
    const page = fixture("third-party-login-page.txt");
    expect(parsePlainTextReply(page).html).toBe(true);
    const { client, calls } = replaying({ getUser_v3: page });
    await expect(client.setTechnicianStatus(337366, "disabled")).rejects.toMatchObject({
      code: "HTML_REPLY",
      retryable: false,
    });
    expect(calls.map((c) => c.method)).toEqual(["getUser_v3"]);
  });

  it("official getUser and SOAP pages: Disabled is the only disabled status; Offline, Online, Busy and Away are enabled", async () => {
    for (const [status, expected] of [
      ["Disabled", "disabled"],
      ["Offline", "enabled"],
      ["Online", "enabled"],
      ["Busy", "enabled"],
      ["Away", "enabled"],
    ] as const) {
      const body = fixture("official-getUser_v3.txt").replace(/Online$/, status);
      const { client } = replaying({ getUser_v3: body });
      expect((await client.getUser({ nodeId: 337366 }))?.status).toBe(expected);
    }
  });
});

describe("free text that looks like reply keys", () => {
  const withDescription = (description: string, status = "Disabled") =>
    fixture("official-getUser_v3.txt")
      .replace("DESCRIPTION: \n", `DESCRIPTION: ${description}\n`)
      .replace(/Online$/, status);

  it("a description `Backup tech. Status: on leave` leaves a disabled technician disabled", async () => {
    const { client } = replaying({ getUser_v3: withDescription("Backup tech. Status: on leave") });
    expect(await client.getUser({ nodeId: 337366 })).toMatchObject({
      status: "disabled",
      rawStatus: "Disabled",
      description: "Backup tech. Status: on leave",
    });
  });

  it("a description holding the whole tail exactly as the real keys print it: the LAST occurrence is the real one", async () => {
    const fake = "x TYPE: Administrator HASMOBILEADDON: True HASRPATADDON: True ISACCOUNTHOLDER: True STATUS: Online";
    const { client } = replaying({ getUser_v3: withDescription(fake) });
    expect(await client.getUser({ nodeId: 337366 })).toMatchObject({
      kind: "technician",
      status: "disabled",
      mobileAddon: false,
      description: fake,
    });
  });

  it("a name holding ` NICK: `: ambiguous, so getHierarchy_v2's Name settles the split", async () => {
    const body =
      "OK NODEID: 5 NAME: Ann NICK: Bo NICK: EMAIL: a@b.example SSOID: DESCRIPTION: \nTYPE: Technician HASMOBILEADDON: False HASRPATADDON: False ISACCOUNTHOLDER: False STATUS: Disabled";
    const { client, calls } = replaying({
      getUser_v3: body,
      getHierarchy_v2:
        "OK\n\nNodeID:5\nParentID:4\nName:Ann NICK: Bo\nEmail:a@b.example\nDescription:\nStatus:Disabled\nType:Technician\n\n",
    });
    expect(await client.getUser({ nodeId: 5 })).toMatchObject({ name: "Ann NICK: Bo", nick: "", status: "disabled" });
    expect(calls.find((c) => c.method === "getHierarchy_v2")?.form.get("isnode")).toBe("true");
  });

  it("a reply no other reply can settle: the read fails with UNREADABLE_REPLY and nothing is written", async () => {
    // Name and nick both hold ` NICK: `; the tree's Name is missing, so there is nothing to pin the split with.
    const body =
      "OK NODEID: 5 NAME: Ann NICK: Bo NICK: Cy EMAIL: a@b.example SSOID: DESCRIPTION: \nTYPE: Technician HASMOBILEADDON: False HASRPATADDON: False ISACCOUNTHOLDER: False STATUS: Disabled";
    const { client, calls } = replaying({ getUser_v3: body, getHierarchy_v2: "OK\n\n" });
    await expect(client.setTechnicianStatus(5, "enabled")).rejects.toMatchObject({ code: "UNREADABLE_REPLY" });
    await expect(
      client.updateTechnician(5, { name: "Ann", nick: "", email: "a@b.example", ssoId: "" }),
    ).rejects.toMatchObject({
      code: "UNREADABLE_REPLY",
    });
    expect(calls.map((c) => c.method)).not.toContain("setUser_v2");
  });
});

describe("the emulator speaks the documented layouts", () => {
  let rescue: EmulatedRescue;
  let client: RescueClient;
  const seed = (): RescueOrganisationSeed => ({
    ...demoRescueOrganisation(),
    administrators: [],
    // root, three categories and the account holder take the five ids before the group and John Doe.
    firstNodeId: 337360,
    technicianGroups: [
      {
        name: "Support",
        technicians: [{ name: "John Doe", email: "jdoe@company.com", password: "John-Doe-2026!", rpatAddon: true }],
      },
    ],
  });

  beforeAll(async () => {
    rescue = await startEmulatedRescue(seed());
    client = rescue.client();
  });
  afterAll(() => rescue.emulator.close());

  it("official getUser_v3 page: the emulator answers the sample byte for byte", async () => {
    const john = rescue.emulator.organisation.nodes.get(337366)!;
    expect(john.name).toBe("John Doe");
    john.presence = "Online";
    john.accountHolder = true;
    const token = demoRescueOrganisation().masterAccountHolder.apiToken;
    const response = await fetch(`${rescue.emulator.url}/API/getUser_v3.aspx?node=337366&authcode=${token}`);
    expect(await response.text()).toBe(fixture("official-getUser_v3.txt"));
    const v1 = await fetch(`${rescue.emulator.url}/API/getUser.aspx?node=337366&authcode=${token}`);
    expect(await v1.text()).toBe(fixture("official-getUser.txt"));
  });

  it("official getAccount page: the emulator prints four fields on the OK line, then Email", async () => {
    const token = demoRescueOrganisation().masterAccountHolder.apiToken;
    const body = await (await fetch(`${rescue.emulator.url}/API/getAccount.aspx?authcode=${token}`)).text();
    expect(body).toMatch(/^OK AccountID:\d+ Organization:Contoso Demo Support AdminID:\d+ TechID:0\nEmail:\S+$/);
    expect(await client.getAccount()).toMatchObject({ organization: "Contoso Demo Support", techId: 0 });
  });

  it("third-party getHierarchy_v2 parser: the emulator prints OK, a blank line, then blank-line-separated blocks", async () => {
    const token = demoRescueOrganisation().masterAccountHolder.apiToken;
    const body = await (
      await fetch(`${rescue.emulator.url}/API/getHierarchy_v2.aspx?isnode=false&filteroffline=false&authcode=${token}`)
    ).text();
    expect(body.startsWith("OK\n\nNodeID:")).toBe(true);
    // What the third-party parser does: split on blank lines, drop the first and the last chunk.
    const chunks = body.split("\n\n");
    expect(chunks[0]).toBe("OK");
    expect(chunks.at(-1)).toBe("");
    expect(chunks.slice(1, -1).every((chunk) => chunk.split("\n").every((line) => /^[A-Za-z]+:/.test(line)))).toBe(
      true,
    );
  });
});
