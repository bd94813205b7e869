// Proves the hand-written migration SQL matches the Prisma schema: every model round-trips through
// the generated client, and every unique constraint the sync rules rely on rejects a duplicate.
import { createTestDatabase, type TestDatabase } from "./testing";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

async function newTenant(name = "Contoso") {
  return db.prisma.tenant.create({ data: { name, dataKeyWrapped: "wrapped", dataKeyMasterKeyId: "k1" } });
}

function expectUniqueViolation(promise: Promise<unknown>) {
  return expect(promise).rejects.toMatchObject({ code: "P2002" });
}

describe("the migrated database matches the Prisma schema", () => {
  test("tenant: create with defaults, read, update, delete", async () => {
    const tenant = await newTenant();
    expect(tenant).toMatchObject({
      scheduleIntervalMinutes: 30,
      safetyThresholdPercent: 10,
      safetyThresholdMinimum: 5,
      paused: false,
      sandboxMode: false,
      consecutiveFailures: 0,
    });
    const updated = await db.prisma.tenant.update({
      where: { id: tenant.id },
      data: { paused: true, attributeMapping: { nick: ["givenName"] }, quarantinedUntil: new Date(0) },
    });
    expect(updated.attributeMapping).toEqual({ nick: ["givenName"] });
    await db.prisma.tenant.delete({ where: { id: tenant.id } });
    expect(await db.prisma.tenant.findUnique({ where: { id: tenant.id } })).toBeNull();
  });

  test("portal user, membership and API key round-trip; deleting a tenant cascades", async () => {
    const tenant = await newTenant();
    const user = await db.prisma.portalUser.create({ data: { email: "mah@contoso.example", passwordHash: "h" } });
    await db.prisma.membership.create({ data: { tenantId: tenant.id, portalUserId: user.id, role: "owner" } });
    const key = await db.prisma.apiKey.create({
      data: { tenantId: tenant.id, name: "ci", prefix: "ts_abc", hash: "x", scopes: ["read", "run"] },
    });
    expect(key.scopes).toEqual(["read", "run"]);
    await db.prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(), revokedAt: new Date() } });
    const membership = await db.prisma.membership.update({
      where: { tenantId_portalUserId: { tenantId: tenant.id, portalUserId: user.id } },
      data: { role: "viewer" },
    });
    expect(membership.role).toBe("viewer");
    await db.prisma.tenant.delete({ where: { id: tenant.id } });
    expect(await db.prisma.membership.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.prisma.apiKey.count({ where: { tenantId: tenant.id } })).toBe(0);
    expect(await db.prisma.portalUser.findUnique({ where: { id: user.id } })).not.toBeNull();
  });

  test("invitation: a token hash is unique; the inviter's deletion keeps it; the tenant's deletion drops it", async () => {
    const tenant = await newTenant();
    const inviter = await db.prisma.portalUser.create({ data: { email: "inviter@contoso.example" } });
    const invitation = await db.prisma.invitation.create({
      data: {
        tenantId: tenant.id,
        email: "Ann@Contoso.example",
        role: "admin",
        tokenHash: "h1",
        invitedBy: inviter.id,
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    expect(invitation).toMatchObject({ acceptedAt: null, acceptedBy: null, revokedAt: null });
    await expectUniqueViolation(
      db.prisma.invitation.create({
        data: { tenantId: tenant.id, email: "x@y.example", role: "viewer", tokenHash: "h1", expiresAt: new Date() },
      }),
    );
    await db.prisma.invitation.update({
      where: { id: invitation.id },
      data: { acceptedAt: new Date(), acceptedBy: inviter.id, revokedAt: new Date() },
    });
    await db.prisma.portalUser.delete({ where: { id: inviter.id } });
    const kept = await db.prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(kept).toMatchObject({ invitedBy: null, acceptedBy: inviter.id, role: "admin" });
    await db.prisma.tenant.delete({ where: { id: tenant.id } });
    expect(await db.prisma.invitation.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  test("Rescue and Entra connections round-trip, one per tenant; destinations are names the database checks", async () => {
    const tenant = await newTenant();
    const rescue = await db.prisma.rescueConnection.create({
      data: { tenantId: tenant.id, email: "mah@contoso.example", apiTokenEnc: "v1:b" },
    });
    expect(rescue).toMatchObject({ region: "global", passwordEnc: "" });
    expect(rescue).toMatchObject({ bulkCreate: "unknown", bulkCreateReason: null, bulkCreateCheckedAt: null });
    const learned = await db.prisma.rescueConnection.update({
      where: { tenantId: tenant.id },
      data: {
        bulkCreate: "unavailable",
        bulkCreateReason: "createUsers answered HTTP 500",
        bulkCreateCheckedAt: new Date(),
      },
    });
    expect(learned.bulkCreate).toBe("unavailable");
    await expectUniqueViolation(
      db.prisma.rescueConnection.create({
        data: { tenantId: tenant.id, email: "x@y.example", passwordEnc: "v1:a", apiTokenEnc: "v1:b" },
      }),
    );
    await expect(
      db.prisma.rescueConnection.update({ where: { tenantId: tenant.id }, data: { region: "http://127.0.0.1:9" } }),
    ).rejects.toThrow(/rescue_connections_region_check/);
    const entra = await db.prisma.entraConnection.create({
      data: { tenantId: tenant.id, directoryId: "d", clientId: "c", clientSecretEnc: "v1:s", cloud: "usgov-dod" },
    });
    await db.prisma.entraConnection.update({
      where: { tenantId: tenant.id },
      data: { lastTestOk: true, lastTestedAt: new Date() },
    });
    expect(entra.cloud).toBe("usgov-dod");
    await expect(
      db.prisma.entraConnection.update({ where: { tenantId: tenant.id }, data: { cloud: "https://login.example" } }),
    ).rejects.toThrow(/entra_connections_cloud_check/);
    const read = await db.prisma.tenant.findUniqueOrThrow({
      where: { id: tenant.id },
      include: { rescueConnection: true, entraConnection: true },
    });
    expect(read.rescueConnection?.email).toBe("mah@contoso.example");
    expect(read.entraConnection?.lastTestOk).toBe(true);
    await db.prisma.entraConnection.delete({ where: { tenantId: tenant.id } });
    await db.prisma.rescueConnection.delete({ where: { tenantId: tenant.id } });
  });

  test("rule 15: a Rescue organisation is held by one connection per destination; unknown ones do not clash", async () => {
    const [a, b, c, d] = await Promise.all([newTenant("A"), newTenant("B"), newTenant("C"), newTenant("D")]);
    const connect = (tenantId: string, region: string, rescueAccountId: number | null) =>
      db.prisma.rescueConnection.create({
        data: { tenantId, email: "mah@x.example", apiTokenEnc: "v1:b", region, rescueAccountId },
      });
    const held = await connect(a.id, "global", 560961);
    expect(held).toMatchObject({ rescueAccountId: 560961, rescueOrganization: null });
    await expectUniqueViolation(connect(b.id, "global", 560961));
    // Another Rescue service numbers its accounts on its own.
    await connect(b.id, "enterprise", 560961);
    // Not known yet (Rescue was not reachable): any number of them.
    await connect(c.id, "global", null);
    await connect(d.id, "global", null);
    await expect(
      db.prisma.rescueConnection.update({ where: { tenantId: c.id }, data: { rescueAccountId: 0 } }),
    ).rejects.toThrow(/rescue_connections_rescue_account_id_check/);
  });

  test("group mapping: a pair is unique per tenant; another tenant may map the same pair", async () => {
    const [a, b] = [await newTenant("A"), await newTenant("B")];
    const pair = { entraGroupId: "g1", entraGroupName: "Helpdesk", rescueGroupId: 42, rescueGroupName: "Tier 1" };
    const mapping = await db.prisma.groupMapping.create({
      data: { tenantId: a.id, ...pair, filterAttribute: "department", filterOperator: "contains", filterValue: "aid" },
    });
    expect(mapping).toMatchObject({ priority: 100, transitive: true });
    await expectUniqueViolation(db.prisma.groupMapping.create({ data: { tenantId: a.id, ...pair } }));
    await db.prisma.groupMapping.create({ data: { tenantId: b.id, ...pair } });
    await db.prisma.groupMapping.update({ where: { id: mapping.id }, data: { priority: 1 } });
    await db.prisma.groupMapping.delete({ where: { id: mapping.id } });
  });

  test("link: unique per tenant + Entra user and per tenant + Rescue node (rules 3, 12)", async () => {
    const tenant = await newTenant();
    const other = await newTenant("Other");
    const fields = { name: "Ann", nick: "ann", email: "ann@contoso.example", ssoId: "ann@contoso.example" };
    const link = await db.prisma.link.create({
      data: { tenantId: tenant.id, entraUserId: "u1", rescueNodeId: 1001, ...fields },
    });
    await expectUniqueViolation(
      db.prisma.link.create({ data: { tenantId: tenant.id, entraUserId: "u1", rescueNodeId: 1002, ...fields } }),
    );
    await expectUniqueViolation(
      db.prisma.link.create({ data: { tenantId: tenant.id, entraUserId: "u2", rescueNodeId: 1001, ...fields } }),
    );
    await db.prisma.link.create({ data: { tenantId: other.id, entraUserId: "u1", rescueNodeId: 1001, ...fields } });
    const updated = await db.prisma.link.update({
      where: { tenantId_entraUserId: { tenantId: tenant.id, entraUserId: "u1" } },
      data: { nick: "annie", lastOutcome: "updated" },
    });
    expect(updated.nick).toBe("annie");
    await db.prisma.link.delete({ where: { id: link.id } });
  });

  test("delta state: one cursor per tenant and scope", async () => {
    const tenant = await newTenant();
    await db.prisma.deltaState.create({ data: { tenantId: tenant.id, scope: "users", deltaLink: "https://d/1" } });
    await expectUniqueViolation(
      db.prisma.deltaState.create({ data: { tenantId: tenant.id, scope: "users", deltaLink: "https://d/2" } }),
    );
    const upserted = await db.prisma.deltaState.upsert({
      where: { tenantId_scope: { tenantId: tenant.id, scope: "users" } },
      create: { tenantId: tenant.id, scope: "users", deltaLink: "x" },
      update: { deltaLink: "https://d/3" },
    });
    expect(upserted.deltaLink).toBe("https://d/3");
  });

  test("sync run with actions and log entries; an action's position in the plan is unique per run", async () => {
    const tenant = await newTenant();
    const run = await db.prisma.syncRun.create({ data: { tenantId: tenant.id, trigger: "portal", dryRun: true } });
    expect(run.status).toBe("queued");
    await db.prisma.syncAction.createMany({
      data: [
        {
          runId: run.id,
          tenantId: tenant.id,
          seq: 0,
          kind: "create",
          reason: "in scope of Helpdesk",
          rescueGroupId: 42,
        },
        {
          runId: run.id,
          tenantId: tenant.id,
          seq: 1,
          kind: "update",
          reason: "name changed in Entra",
          changes: [{ field: "name", before: "A", after: "B" }],
        },
      ],
    });
    await expectUniqueViolation(
      db.prisma.syncAction.create({
        data: { runId: run.id, tenantId: tenant.id, seq: 1, kind: "disable", reason: "x" },
      }),
    );
    const action = await db.prisma.syncAction.update({
      where: { runId_seq: { runId: run.id, seq: 0 } },
      data: {
        status: "failed",
        errorCode: "INVALIDPARAM_EMAIL_ALREADY_IN_USE",
        error: "email belongs to an administrator",
      },
    });
    expect(typeof action.id).toBe("bigint");
    await db.prisma.logEntry.create({
      data: { tenantId: tenant.id, runId: run.id, level: "warn", message: "m", context: { a: 1 } },
    });
    await db.prisma.syncRun.update({
      where: { id: run.id },
      data: {
        status: "partial",
        counts: { create: { failed: 1 } },
        progressDone: 2,
        progressTotal: 2,
        finishedAt: new Date(),
      },
    });
    const read = await db.prisma.syncRun.findUniqueOrThrow({
      where: { id: run.id },
      include: { actions: true, logEntries: true },
    });
    expect(read.actions).toHaveLength(2);
    expect(read.logEntries[0]?.context).toEqual({ a: 1 });
    await db.prisma.syncRun.delete({ where: { id: run.id } });
    expect(await db.prisma.syncAction.count({ where: { runId: run.id } })).toBe(0);
  });

  test("audit event and portal user uniqueness", async () => {
    const tenant = await newTenant();
    const event = await db.prisma.auditEvent.create({
      data: { tenantId: tenant.id, actorType: "api_key", actorId: "k", action: "mapping.create", details: { id: "m" } },
    });
    expect(event.action).toBe("mapping.create");
    await db.prisma.portalUser.create({
      data: { email: "dup@contoso.example", entraObjectId: "oid-1", entraTenantId: "tid-1" },
    });
    await expectUniqueViolation(db.prisma.portalUser.create({ data: { email: "dup@contoso.example" } }));
    await expectUniqueViolation(
      db.prisma.portalUser.create({
        data: { email: "other@contoso.example", entraObjectId: "oid-1", entraTenantId: "tid-1" },
      }),
    );
    // The same object id in another directory is another account.
    const guest = await db.prisma.portalUser.create({
      data: { email: "guest@fabrikam.example", entraObjectId: "oid-1", entraTenantId: "tid-2" },
    });
    expect(
      await db.prisma.portalUser.findUnique({
        where: { entraTenantId_entraObjectId: { entraTenantId: "tid-2", entraObjectId: "oid-1" } },
      }),
    ).toMatchObject({ id: guest.id });
    await db.prisma.auditEvent.delete({ where: { id: event.id } });
  });

  test("tenant SSO id source (rule 16) and held actions (unknown Rescue codes), one hold per action", async () => {
    const tenant = await newTenant();
    expect(tenant.ssoIdSource).toBe("rescue");
    expect(
      (await db.prisma.tenant.update({ where: { id: tenant.id }, data: { ssoIdSource: "entra" } })).ssoIdSource,
    ).toBe("entra");
    const hold = await db.prisma.heldAction.create({
      data: { tenantId: tenant.id, actionId: "enable:u1", inputFingerprint: "[]", code: "NEWCODE", message: "m" },
    });
    expect(hold).toMatchObject({ runId: null, code: "NEWCODE" });
    await expectUniqueViolation(
      db.prisma.heldAction.create({
        data: { tenantId: tenant.id, actionId: "enable:u1", inputFingerprint: "[1]", code: "X", message: "m" },
      }),
    );
    await db.prisma.tenant.delete({ where: { id: tenant.id } });
    expect(await db.prisma.heldAction.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});
