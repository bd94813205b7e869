import { randomUUID } from "node:crypto";
import { type ApiHarness, invitationTokenOf, startApiHarness, TEST_PORTAL_ORIGIN } from "../../../test/api-harness";

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

/** A portal user with a password and a known email, as a sign-up makes them. */
async function person(email = `${randomUUID()}@example.test`) {
  const user = await api.prisma.portalUser.create({ data: { email: email.toLowerCase(), passwordHash: "x" } });
  return { userId: user.id, email, token: await api.userToken(user.id) };
}

async function invite(inviter: { token: string; tenantId: string }, email: string, role = "viewer", extra = {}) {
  const res = await api.call(inviter.token, {
    method: "POST",
    url: `/v1/tenants/${inviter.tenantId}/invitations`,
    payload: { email, role, ...extra },
  });
  return { res, token: res.statusCode === 201 ? invitationTokenOf(res.json().link) : "" };
}

const accept = (userToken: string, token: string) =>
  api.call(userToken, { method: "POST", url: `/v1/invitations/${token}/accept` });
const preview = (token: string) => api.app.inject({ method: "GET", url: `/v1/invitations/${token}` });
const membershipsOf = (tenantId: string, portalUserId: string) =>
  api.prisma.membership.count({ where: { tenantId, portalUserId } });

describe("inviting", () => {
  test("the link is shown once, points at the portal, expires in 7 days by default; only its hash is stored", async () => {
    const owner = await api.ownerWithTenant("Contoso");
    const before = Date.now();
    const { res, token } = await invite(owner, "Ann.Smith@Example.test", "admin");
    expect(res.statusCode).toBe(201);
    const { invitation, link } = res.json();
    expect(link).toBe(`${TEST_PORTAL_ORIGIN}/invitations/${token}`);
    expect(invitation).toMatchObject({
      email: "Ann.Smith@Example.test",
      role: "admin",
      invitedBy: { userId: owner.userId },
    });
    const expiresInMs = new Date(invitation.expiresAt).getTime() - before;
    expect(Math.round(expiresInMs / 86_400_000)).toBe(7);

    const row = await api.prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token.slice(4, 40));

    const listed = await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/invitations` });
    expect(listed.json().invitations).toEqual([invitation]);
    expect(listed.body).not.toContain(token.slice(4, 40));
    const audit = await api.prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: owner.tenantId, action: "invitation.created" },
    });
    expect(audit).toMatchObject({ actorId: owner.userId, target: `invitation:${invitation.id}` });
    expect(JSON.stringify(audit.details)).not.toContain(token.slice(4, 40));
  });

  test("the holder of the link sees the tenant's name and the role, nothing about people", async () => {
    const owner = await api.ownerWithTenant("Fabrikam");
    const { token } = await invite(owner, "bob@example.test", "viewer");
    const res = await preview(token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ tenant: { name: "Fabrikam" }, role: "viewer", expiresAt: expect.any(String) });
  });

  test("a viewer cannot invite; an API key, whatever its scopes, cannot invite or list invitations", async () => {
    const owner = await api.ownerWithTenant();
    const viewer = await api.memberOf(owner.tenantId, "viewer");
    const base = `/v1/tenants/${owner.tenantId}/invitations`;
    const body = { email: "someone@example.test", role: "viewer" };
    expect((await api.call(viewer.token, { method: "POST", url: base, payload: body })).statusCode).toBe(403);
    expect((await api.call(viewer.token, { method: "GET", url: base })).statusCode).toBe(403);
    const key = (
      await api.call(owner.token, {
        method: "POST",
        url: `/v1/tenants/${owner.tenantId}/api-keys`,
        payload: { name: "all", scopes: ["read", "write", "run"] },
      })
    ).json().key;
    const byKey = await api.call(key, { method: "POST", url: base, payload: body });
    expect(byKey.statusCode).toBe(403);
    expect(byKey.json().message).toContain("not an API key");
    expect((await api.call(key, { method: "GET", url: base })).statusCode).toBe(403);
    expect(await api.prisma.invitation.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });

  test("an admin invites admins and viewers but not owners, and cannot revoke an owner's invitation", async () => {
    const owner = await api.ownerWithTenant();
    const admin = { ...(await api.memberOf(owner.tenantId, "admin")), tenantId: owner.tenantId };
    expect((await invite(admin, "a@example.test", "admin")).res.statusCode).toBe(201);
    expect((await invite(admin, "v@example.test", "viewer")).res.statusCode).toBe(201);
    const asOwner = await invite(admin, "o@example.test", "owner");
    expect(asOwner.res.statusCode).toBe(403);
    expect(asOwner.res.json().message).toContain("role");

    const byOwner = await invite(owner, "o@example.test", "owner");
    const id = byOwner.res.json().invitation.id;
    const revoke = await api.call(admin.token, {
      method: "DELETE",
      url: `/v1/tenants/${owner.tenantId}/invitations/${id}`,
    });
    expect(revoke.statusCode).toBe(403);
    expect((await preview(byOwner.token)).statusCode).toBe(200);
  });

  test("inviting a member is refused; inviting the same email again replaces the pending invitation", async () => {
    const owner = await api.ownerWithTenant();
    const admin = await api.memberOf(owner.tenantId, "admin");
    const adminEmail = (await api.prisma.portalUser.findUniqueOrThrow({ where: { id: admin.userId } })).email;
    const member = await invite(owner, adminEmail.toUpperCase());
    expect(member.res.statusCode).toBe(409);
    expect(member.res.json().message).toContain("email");

    const first = await invite(owner, "twice@example.test", "viewer");
    const second = await invite(owner, "Twice@example.test", "admin");
    expect((await preview(first.token)).statusCode).toBe(404);
    expect((await preview(second.token)).json().role).toBe("admin");
    const listed = await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/invitations` });
    expect(listed.json().invitations.map((i: { email: string }) => i.email)).toEqual(["Twice@example.test"]);
  });

  test("another tenant's invitations are not found", async () => {
    const a = await api.ownerWithTenant("A");
    const b = await api.ownerWithTenant("B");
    const { res } = await invite(b, "b-invitee@example.test");
    const id = res.json().invitation.id;
    const foreign = [
      await api.call(a.token, { method: "GET", url: `/v1/tenants/${b.tenantId}/invitations` }),
      await api.call(a.token, { method: "DELETE", url: `/v1/tenants/${b.tenantId}/invitations/${id}` }),
      await api.call(a.token, { method: "DELETE", url: `/v1/tenants/${a.tenantId}/invitations/${id}` }),
      await api.call(a.token, {
        method: "POST",
        url: `/v1/tenants/${b.tenantId}/invitations`,
        payload: { email: "x@example.test", role: "owner" },
      }),
    ];
    expect(foreign.map((r) => r.statusCode)).toEqual([404, 404, 404, 404]);
    expect((await api.prisma.invitation.findUniqueOrThrow({ where: { id } })).revokedAt).toBeNull();
  });
});

describe("accepting", () => {
  test("only the signed-in user with the invited email (any case) becomes a member, with the offered role", async () => {
    const owner = await api.ownerWithTenant("Northwind");
    const invitee = await person("carol@example.test");
    const stranger = await person();
    const { token } = await invite(owner, "Carol@Example.TEST", "admin");

    const wrong = await accept(stranger.token, token);
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().message).not.toContain("carol");
    expect(await membershipsOf(owner.tenantId, stranger.userId)).toBe(0);
    // The refusal did not use the invitation up.
    expect((await preview(token)).statusCode).toBe(200);
    // Neither does acceptance without a person's token.
    expect((await api.app.inject({ method: "POST", url: `/v1/invitations/${token}/accept` })).statusCode).toBe(401);

    const ok = await accept(invitee.token, token);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ tenant: { id: owner.tenantId, name: "Northwind" }, role: "admin" });
    const me = await api.call(invitee.token, { method: "GET", url: "/v1/me" });
    expect(me.json().tenants).toEqual([{ id: owner.tenantId, name: "Northwind", role: "admin", sandboxMode: false }]);
    const audit = await api.prisma.auditEvent.findFirstOrThrow({
      where: { tenantId: owner.tenantId, action: "invitation.accepted" },
    });
    expect(audit).toMatchObject({ actorType: "portal_user", actorId: invitee.userId });
    const pending = await api.call(owner.token, { method: "GET", url: `/v1/tenants/${owner.tenantId}/invitations` });
    expect(pending.json().invitations).toEqual([]);
  });

  test("used, revoked, expired, forged and unknown links are refused alike", async () => {
    const owner = await api.ownerWithTenant();
    const invitee = await person();
    const used = await invite(owner, invitee.email);
    expect((await accept(invitee.token, used.token)).statusCode).toBe(200);

    const revokedPerson = await person();
    const revoked = await invite(owner, revokedPerson.email);
    const revoke = await api.call(owner.token, {
      method: "DELETE",
      url: `/v1/tenants/${owner.tenantId}/invitations/${revoked.res.json().invitation.id}`,
    });
    expect(revoke.statusCode).toBe(204);
    expect(
      await api.prisma.auditEvent.count({ where: { tenantId: owner.tenantId, action: "invitation.revoked" } }),
    ).toBe(1);

    const expiredPerson = await person();
    const expired = await invite(owner, expiredPerson.email);
    await api.prisma.invitation.update({
      where: { id: expired.res.json().invitation.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });

    const forged = `${used.token.slice(0, -4)}AAAA`;
    const unknown = used.token.replace(/^inv_.{43}/, `inv_${"A".repeat(43)}`);
    const cases = [
      { name: "used", userToken: invitee.token, token: used.token },
      { name: "revoked", userToken: revokedPerson.token, token: revoked.token },
      { name: "expired", userToken: expiredPerson.token, token: expired.token },
      { name: "forged", userToken: invitee.token, token: forged },
      { name: "unknown", userToken: invitee.token, token: unknown },
    ];
    const answers = new Set<string>();
    for (const c of cases) {
      const seen = await preview(c.token);
      const accepted = await accept(c.userToken, c.token);
      expect({ case: c.name, preview: seen.statusCode, accept: accepted.statusCode }).toEqual({
        case: c.name,
        preview: 404,
        accept: 404,
      });
      answers.add(JSON.stringify({ ...seen.json(), requestId: "" }));
      answers.add(JSON.stringify({ ...accepted.json(), requestId: "" }));
    }
    expect(answers.size).toBe(1);
    expect(await membershipsOf(owner.tenantId, revokedPerson.userId)).toBe(0);
    expect(await membershipsOf(owner.tenantId, expiredPerson.userId)).toBe(0);
  });

  test("two tabs accepting at once make one membership; the other is refused", async () => {
    const owner = await api.ownerWithTenant();
    const invitee = await person();
    const { token } = await invite(owner, invitee.email, "admin");
    const answers = await Promise.all([1, 2, 3, 4].map(() => accept(invitee.token, token)));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 404, 404, 404]);
    expect(await membershipsOf(owner.tenantId, invitee.userId)).toBe(1);
    expect(
      await api.prisma.auditEvent.count({ where: { tenantId: owner.tenantId, action: "invitation.accepted" } }),
    ).toBe(1);
  });

  test("a member who is invited again is told so, and the invitation stays usable", async () => {
    const owner = await api.ownerWithTenant();
    const invitee = await person();
    const { token } = await invite(owner, invitee.email, "viewer");
    await api.prisma.membership.create({
      data: { tenantId: owner.tenantId, portalUserId: invitee.userId, role: "admin" },
    });
    const res = await accept(invitee.token, token);
    expect(res.statusCode).toBe(409);
    expect((await preview(token)).statusCode).toBe(200);
    const membership = await api.prisma.membership.findFirstOrThrow({ where: { portalUserId: invitee.userId } });
    expect(membership.role).toBe("admin");
  });

  test("an accepted invitation cannot be revoked (the member is removed instead); revoking twice is fine", async () => {
    const owner = await api.ownerWithTenant();
    const invitee = await person();
    const accepted = await invite(owner, invitee.email);
    await accept(invitee.token, accepted.token);
    const url = (id: string) => `/v1/tenants/${owner.tenantId}/invitations/${id}`;
    const late = await api.call(owner.token, { method: "DELETE", url: url(accepted.res.json().invitation.id) });
    expect(late.statusCode).toBe(409);

    const pending = await invite(owner, "later@example.test");
    const id = pending.res.json().invitation.id;
    expect((await api.call(owner.token, { method: "DELETE", url: url(id) })).statusCode).toBe(204);
    expect((await api.call(owner.token, { method: "DELETE", url: url(id) })).statusCode).toBe(204);
  });
});
