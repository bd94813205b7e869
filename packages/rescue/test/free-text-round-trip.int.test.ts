// Free text round-trips: whatever a person types into a technician's name, nick, SSO id or description, the
// emulator prints it in the documented layouts and the client reads it back unchanged, and it never moves the
// technician's status, type or ids. Then the writes: every setUser_v2 re-sends what it does not change, against
// an emulator that BLANKS any field left out.
import { demoRescueOrganisation } from "@techsync/emulators/rescue";
import fc from "fast-check";
import type { RescueClient } from "../src/index";
import { type EmulatedRescue, startEmulatedRescue } from "./emulated-rescue";

const TOKEN = demoRescueOrganisation().masterAccountHolder.apiToken ?? "";

/** Pieces that read like the reply's own keys, in the spellings and places that could fool a reader. */
const KEY_LIKE = [
  " NODEID: 1",
  " NAME: ",
  " NICK: ",
  " EMAIL: ",
  " SSOID: ",
  " DESCRIPTION: ",
  " TYPE: Administrator",
  " TYPE: Technician HASMOBILEADDON: True HASRPATADDON: True ISACCOUNTHOLDER: True STATUS: Online",
  " STATUS: Disabled",
  " STATUS: Online",
  "Status: on leave",
  "NodeID:1",
  "Type:Root",
  "OK ",
  ": ",
  " ",
  "  ",
];

// Printable: no control characters (a value cannot span lines) and no lone surrogates (not encodable).
const printable = (text: string) => !/[\p{Cc}\p{Cs}]/u.test(text);
const freeText = (maxLength: number) =>
  fc
    .array(
      fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.string({ unit: "grapheme", maxLength: 4 }),
        fc.constantFrom(...KEY_LIKE),
      ),
      {
        maxLength: 6,
      },
    )
    .map((parts) => parts.join(""))
    .filter((text) => printable(text) && text.length <= maxLength);

async function setUserV2(rescue: EmulatedRescue, params: Record<string, string>): Promise<string> {
  const response = await fetch(`${rescue.emulator.url}/API/setUser_v2.aspx`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...params, authcode: TOKEN }),
  });
  return response.text();
}

describe("free text round-trips through the emulator and the client", () => {
  let rescue: EmulatedRescue;
  let client: RescueClient;
  let nodeId: number;
  let groupId: number;

  beforeAll(async () => {
    rescue = await startEmulatedRescue();
    client = rescue.client();
    const casey = rescue.emulator.organisation.technicians().find((t) => t.name === "Casey Old")!;
    nodeId = casey.id;
    groupId = casey.parentId!;
  });
  afterAll(() => rescue.emulator.close());

  it("any printable name, nick, SSO id and description reads back unchanged and never changes status, type or ids", async () => {
    const hierarchyCallsBefore = client.callCounts().getHierarchy_v2 ?? 0;
    await fc.assert(
      fc.asyncProperty(
        freeText(128).filter((name) => name !== ""),
        freeText(64),
        freeText(128),
        freeText(256),
        fc.boolean(),
        async (name, nick, ssoId, description, enabled) => {
          const answer = await setUserV2(rescue, {
            node: String(nodeId),
            name,
            nick,
            email: "casey.old@contoso-demo.example",
            ssoid: ssoId,
            description,
            status: enabled ? "Enabled" : "Disabled",
            mobileaddon: "False",
            rpataddon: "False",
          });
          expect(answer).toBe("OK");
          const user = await client.getUser({ nodeId });
          expect(user).toEqual({
            nodeId,
            name,
            nick,
            email: "casey.old@contoso-demo.example",
            ssoId,
            description,
            kind: "technician",
            rawStatus: enabled ? "Offline" : "Disabled",
            status: enabled ? "enabled" : "disabled",
            mobileAddon: false,
            rpatAddon: false,
            accountHolder: false,
          });
          // getHierarchy_v2 prints name and description too (one per line): same values, same status and parent.
          const node = (await client.getTree()).find((n) => n.id === nodeId);
          expect(node).toEqual({
            id: nodeId,
            parentId: groupId,
            kind: "technician",
            name,
            email: "casey.old@contoso-demo.example",
            status: enabled ? "enabled" : "disabled",
          });
        },
      ),
      { numRuns: 100 },
    );
    // One getTree per run; every call beyond that is an ambiguous getUser_v3 reply settled by the node's block.
    expect((client.callCounts().getHierarchy_v2 ?? 0) - hierarchyCallsBefore).toBeGreaterThan(100);
  }, 120_000);
});

describe("writes re-send every field they do not change (the emulator blanks an omitted one)", () => {
  let rescue: EmulatedRescue;
  let client: RescueClient;

  beforeEach(async () => {
    rescue = await startEmulatedRescue();
    client = rescue.client();
  });
  afterEach(() => rescue.emulator.close());

  const technician = (name: string) => rescue.emulator.organisation.technicians().find((t) => t.name === name)!;

  it("the emulator blanks nick, SSO id and description when a setUser_v2 leaves them out", async () => {
    const alex = technician("Alex Morgan");
    expect(alex.description).not.toBe("");
    const answer = await setUserV2(rescue, {
      node: String(alex.id),
      name: alex.name,
      email: alex.email,
      status: "Enabled",
      mobileaddon: "True",
      rpataddon: "False",
    });
    expect(answer).toBe("OK");
    expect(alex).toMatchObject({ nick: "", ssoId: "", description: "" });
  });

  it("a disabled technician described `Backup tech. Status: on leave` stays disabled and intact after a rename", async () => {
    const casey = technician("Casey Old");
    expect(casey).toMatchObject({ enabled: false, description: "Backup tech. Status: on leave" });
    const before = (await client.getUser({ nodeId: casey.id }))!;
    expect(before).toMatchObject({ status: "disabled", description: "Backup tech. Status: on leave" });

    await client.updateTechnician(casey.id, { name: "Casey Young", nick: "Casey", email: casey.email, ssoId: "" });

    expect(casey).toMatchObject({
      name: "Casey Young",
      enabled: false,
      description: "Backup tech. Status: on leave",
      nick: "Casey",
    });
    expect(await client.getUser({ nodeId: casey.id })).toMatchObject({ status: "disabled", name: "Casey Young" });
  });

  it("update, enable and disable keep every field they do not own (description, SSO id, add-ons)", async () => {
    const alex = technician("Alex Morgan");
    const jordan = technician("Jordan Lee");
    const kept = (t: typeof alex) => ({
      description: t.description,
      ssoId: t.ssoId,
      rpatAddon: t.rpatAddon,
      nick: t.nick,
    });
    const alexBefore = kept(alex);
    await client.updateTechnician(
      alex.id,
      { name: "Alex M.", nick: alex.nick, email: alex.email, ssoId: alex.ssoId },
      { keepSsoIdIfSet: true },
    );
    expect(kept(alex)).toEqual(alexBefore);
    expect(alex.mobileAddon).toBe(true);

    const jordanBefore = kept(jordan);
    await client.setTechnicianStatus(jordan.id, "disabled");
    expect(jordan.enabled).toBe(false);
    expect(kept(jordan)).toEqual(jordanBefore);
    await client.setTechnicianStatus(jordan.id, "enabled");
    expect(jordan.enabled).toBe(true);
    expect(kept(jordan)).toEqual(jordanBefore);
  });

  it("rule 16: a non-empty SSO id stays unless Entra owns SSO ids; an empty one is filled", async () => {
    const alex = technician("Alex Morgan");
    const ssoId = alex.ssoId;
    expect(ssoId).not.toBe("");
    const fields = { name: alex.name, nick: alex.nick, email: alex.email, ssoId: "alex.morgan@contoso-demo.example" };
    const callsBefore = client.callCounts().setUser_v2 ?? 0;
    expect(await client.updateTechnician(alex.id, fields, { keepSsoIdIfSet: true })).toMatchObject({ ssoId });
    expect(alex.ssoId).toBe(ssoId);
    // Nothing differed once the SSO id was kept: nothing was written (rule 13).
    expect(client.callCounts().setUser_v2 ?? 0).toBe(callsBefore);

    await client.updateTechnician(alex.id, fields);
    expect(alex.ssoId).toBe("alex.morgan@contoso-demo.example");

    const jordan = technician("Jordan Lee");
    expect(jordan.ssoId).toBe("");
    await client.updateTechnician(
      jordan.id,
      { name: jordan.name, nick: jordan.nick, email: jordan.email, ssoId: "jordan.lee@contoso-demo.example" },
      { keepSsoIdIfSet: true },
    );
    expect(jordan.ssoId).toBe("jordan.lee@contoso-demo.example");
  });
});
