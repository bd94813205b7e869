// rule 15: one owner per Rescue organisation, through the API against the Rescue emulator. Two tenants on one
// organisation fight (one re-enables what the other disabled), so the second is refused at connect, or the
// organisation moves when one person owns both tenants.
import { DEMO_RESCUE_CONNECTION, type StartedRescueEmulator, startRescueEmulator } from "@techsync/emulators/rescue";
import { type ApiHarness, startApiHarness } from "../../../test/api-harness";
import { SANDBOX_RESCUE_BODY } from "../../../test/sandbox-connections";

jest.setTimeout(30_000);

let api: ApiHarness;
let rescue: StartedRescueEmulator;

beforeAll(async () => {
  rescue = await startRescueEmulator({ port: 0 });
  api = await startApiHarness({ outbound: { emulators: { rescueUrl: rescue.url } } });
});
afterAll(async () => {
  await api.close();
  await rescue.close();
});
beforeEach(async () => {
  // Every test starts with no tenant holding the demo organisation.
  await api.prisma.rescueConnection.deleteMany({});
});

type Owner = Awaited<ReturnType<ApiHarness["ownerWithTenant"]>>;

const saveRescue = (harness: ApiHarness, owner: Pick<Owner, "token" | "tenantId">, extra = {}) =>
  harness.call(owner.token, {
    method: "PUT",
    url: `/v1/tenants/${owner.tenantId}/rescue-connection`,
    payload: { ...SANDBOX_RESCUE_BODY, ...extra },
  });

const emailOf = async (userId: string) =>
  (await api.prisma.portalUser.findUniqueOrThrow({ where: { id: userId } })).email;

/** A second tenant owned by the same person (tenants are created through the API, as the portal does). */
async function secondTenantOf(owner: Owner, name: string): Promise<Owner> {
  const res = await api.call(owner.token, { method: "POST", url: "/v1/tenants", payload: { name } });
  expect(res.statusCode).toBe(201);
  const tenantId = res.json().id as string;
  await api.prisma.tenant.update({ where: { id: tenantId }, data: { sandboxMode: true } });
  return { ...owner, tenantId };
}

describe("rule 15: one tenant per Rescue organisation", () => {
  test("rule 15: saving the connection records the organisation the API token belongs to", async () => {
    const owner = await api.ownerWithTenant("Contoso", { sandbox: true });
    const saved = await saveRescue(api, owner);
    expect(saved.statusCode).toBe(200);
    expect(saved.json().organisation).toEqual({ accountId: 560961, name: "Contoso Demo Support" });
    const row = await api.prisma.rescueConnection.findUniqueOrThrow({ where: { tenantId: owner.tenantId } });
    expect(row).toMatchObject({ rescueAccountId: 560961, rescueOrganization: "Contoso Demo Support" });
    // Saving again (same tenant) is not a conflict with itself.
    expect((await saveRescue(api, owner)).statusCode).toBe(200);
  });

  test("rule 15: a second tenant connecting the same organisation is refused, naming the first tenant's owner", async () => {
    const first = await api.ownerWithTenant("Contoso", { sandbox: true });
    const second = await api.ownerWithTenant("Fabrikam", { sandbox: true });
    expect((await saveRescue(api, first)).statusCode).toBe(200);
    const refused = await saveRescue(api, second);
    expect(refused.statusCode).toBe(409);
    const body = refused.json();
    expect(body).toMatchObject({
      error: "organisation_taken",
      organisation: { accountId: 560961, name: "Contoso Demo Support" },
      ownerEmails: [await emailOf(first.userId)],
    });
    expect(body.message).toContain(await emailOf(first.userId));
    expect(body.message).toMatch(/one tenant only/);
    // Not the caller's to move, and nothing secret or internal in the answer.
    expect(body.move).toBeUndefined();
    expect(refused.body).not.toContain(first.tenantId);
    expect(refused.body).not.toContain(DEMO_RESCUE_CONNECTION.apiToken);
    expect(refused.body).not.toContain(DEMO_RESCUE_CONNECTION.password);
    expect(refused.body).not.toMatch(/rescueAccountId|tenantId/);
    // Nothing was written for the refused tenant; the first keeps its connection.
    expect(await api.prisma.rescueConnection.findUnique({ where: { tenantId: second.tenantId } })).toBeNull();
    expect(await api.prisma.rescueConnection.count({ where: { tenantId: first.tenantId } })).toBe(1);
  });

  test("rule 15: an API key is never offered a move, even of its tenant's owner's other tenant", async () => {
    const owner = await api.ownerWithTenant("Contoso", { sandbox: true });
    const other = await secondTenantOf(owner, "Contoso Two");
    expect((await saveRescue(api, owner)).statusCode).toBe(200);
    const key = await api.call(owner.token, {
      method: "POST",
      url: `/v1/tenants/${other.tenantId}/api-keys`,
      payload: { name: "automation", scopes: ["read", "write"] },
    });
    expect(key.statusCode).toBe(201);
    const refused = await saveRescue(
      api,
      { token: key.json().key, tenantId: other.tenantId },
      { moveFrom: owner.tenantId },
    );
    expect(refused.statusCode).toBe(409);
    expect(refused.json().move).toBeUndefined();
    expect(await api.prisma.rescueConnection.count({ where: { tenantId: owner.tenantId } })).toBe(1);
  });

  test("rule 15: an owner of both tenants is offered the move, and the move hands the organisation over in one go", async () => {
    const owner = await api.ownerWithTenant("Contoso Old", { sandbox: true });
    expect((await saveRescue(api, owner)).statusCode).toBe(200);
    const queued = await api.prisma.syncRun.create({
      data: { tenantId: owner.tenantId, trigger: "schedule", dryRun: false, status: "queued" },
    });
    const target = await secondTenantOf(owner, "Contoso New");

    const offered = await saveRescue(api, target);
    expect(offered.statusCode).toBe(409);
    expect(offered.json()).toMatchObject({
      error: "organisation_taken",
      move: { fromTenantId: owner.tenantId, fromTenantName: "Contoso Old" },
    });
    expect(offered.json().message).toMatch(/your tenant “Contoso Old”/);
    // A moveFrom naming a tenant that does not hold the organisation moves nothing.
    const wrong = await saveRescue(api, target, { moveFrom: target.tenantId });
    expect(wrong.statusCode).toBe(409);

    const moved = await saveRescue(api, target, { moveFrom: owner.tenantId });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().organisation).toEqual({ accountId: 560961, name: "Contoso Demo Support" });
    // The old tenant lost its connection, is paused, says where the organisation went; its queued run ended.
    expect(await api.prisma.rescueConnection.findUnique({ where: { tenantId: owner.tenantId } })).toBeNull();
    const old = await api.prisma.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } });
    expect(old.paused).toBe(true);
    expect(old.attentionReason).toMatch(/moved to the tenant “Contoso New” by .+@example\.test/);
    expect((await api.prisma.syncRun.findUniqueOrThrow({ where: { id: queued.id } })).status).toBe("cancelled");
    const read = await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/rescue-connection` });
    expect(read.statusCode).toBe(404);
    // Both tenants have an audit event of the move.
    const audit = await api.prisma.auditEvent.findMany({
      where: {
        tenantId: { in: [owner.tenantId, target.tenantId] },
        action: { in: ["rescue_connection.moved_away", "rescue_connection.moved_here"] },
      },
      orderBy: { action: "asc" },
    });
    expect(audit.map((event) => [event.tenantId, event.action])).toEqual([
      [owner.tenantId, "rescue_connection.moved_away"],
      [target.tenantId, "rescue_connection.moved_here"],
    ]);
  });

  test("rule 15: tenants saving the same organisation at once: exactly one wins, the others are refused", async () => {
    const owners = await Promise.all(
      ["A", "B", "C", "D"].map((name) => api.ownerWithTenant(`Racer ${name}`, { sandbox: true })),
    );
    const answers = await Promise.all(owners.map((owner) => saveRescue(api, owner)));
    const statuses = answers.map((answer) => answer.statusCode).sort();
    expect(statuses).toEqual([200, 409, 409, 409]);
    for (const answer of answers.filter((a) => a.statusCode === 409)) {
      expect(answer.json().error).toBe("organisation_taken");
    }
    expect(await api.prisma.rescueConnection.count({ where: { rescueAccountId: 560961 } })).toBe(1);
  });

  test("rule 15: saved while Rescue was down, the organisation is unknown; a test records it, or refuses one already held", async () => {
    const first = await api.ownerWithTenant("Contoso", { sandbox: true });
    const second = await api.ownerWithTenant("Fabrikam", { sandbox: true });
    // Rescue answers 503 to both saves' getAccount.
    rescue.faults.set({ script: [1, 2].map(() => ({ method: "getAccount", kind: "http503" as const })) });
    expect((await saveRescue(api, first)).json().organisation).toBeNull();
    expect((await saveRescue(api, second)).json().organisation).toBeNull();
    rescue.faults.reset();

    const tested = await api.call(first.token, {
      method: "POST",
      url: `/v1/tenants/${first.tenantId}/rescue-connection/test`,
    });
    expect(tested.statusCode).toBe(200);
    expect(tested.json().ok).toBe(true);
    const read = await api.call(first.token, { method: "GET", url: `/v1/tenants/${first.tenantId}/rescue-connection` });
    expect(read.json().organisation).toEqual({ accountId: 560961, name: "Contoso Demo Support" });

    const refused = await api.call(second.token, {
      method: "POST",
      url: `/v1/tenants/${second.tenantId}/rescue-connection/test`,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain(await emailOf(first.userId));
    const secondRow = await api.prisma.rescueConnection.findUniqueOrThrow({ where: { tenantId: second.tenantId } });
    expect(secondRow).toMatchObject({ rescueAccountId: null, lastTestOk: false });
  });
});
