import { SignJWT } from "jose";
import { type ApiHarness, startApiHarness, TEST_TOKEN_SECRET } from "../../../test/api-harness";
import { PORTAL_TOKEN_AUDIENCE, PORTAL_TOKEN_ISSUER, portalTokenKey, signPortalToken } from "../../auth/portal-token";

let api: ApiHarness;
let service: string;
beforeAll(async () => {
  api = await startApiHarness();
  service = await api.serviceToken();
});
afterAll(() => api.close());

const signup = (email: string, password = "correct horse battery staple") => ({
  method: "POST" as const,
  url: "/v1/auth/signup",
  payload: { email, password, name: "Ada", tenantName: "Ada's Rescue" },
});

describe("portal auth endpoints (service token)", () => {
  test("signup creates the user and a tenant they own; the same email again changes nothing and answers alike", async () => {
    const res = await api.call(service, signup("Ada@Example.test"));
    expect(res.statusCode).toBe(202);
    const user = await api.prisma.portalUser.findUniqueOrThrow({ where: { email: "ada@example.test" } });
    expect(user).toMatchObject({ email: "ada@example.test", name: "Ada" });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    const membership = await api.prisma.membership.findFirstOrThrow({
      where: { portalUserId: user.id },
      include: { tenant: true },
    });
    expect(membership).toMatchObject({ role: "owner", tenant: { name: "Ada's Rescue" } });

    const again = await api.call(service, signup("ada@example.test", "another long passphrase here"));
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(res.json());
    const after = await api.prisma.portalUser.findUniqueOrThrow({ where: { email: "ada@example.test" } });
    expect(after.passwordHash).toBe(user.passwordHash);
    expect(await api.prisma.membership.count({ where: { portalUserId: user.id } })).toBe(1);
  });

  test("login answers the user for the right password and invalid_credentials otherwise", async () => {
    await api.call(service, signup("grace@example.test", "the right password"));
    expect(await api.prisma.portalUser.count({ where: { email: "grace@example.test" } })).toBe(1);
    const ok = await api.call(service, {
      method: "POST",
      url: "/v1/auth/login",
      payload: { email: "grace@example.test", password: "the right password" },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.email).toBe("grace@example.test");
    const wrong = await api.call(service, {
      method: "POST",
      url: "/v1/auth/login",
      payload: { email: "grace@example.test", password: "the wrong password" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe("invalid_credentials");
    const nobody = await api.call(service, {
      method: "POST",
      url: "/v1/auth/login",
      payload: { email: "nobody@example.test", password: "whatever" },
    });
    expect(nobody.json().error).toBe("invalid_credentials");
  });

  test("Microsoft sign-in finds the user by object id and directory, and creates one for a new account", async () => {
    const microsoft = (payload: Record<string, string>) =>
      api.call(service, { method: "POST", url: "/v1/auth/microsoft", payload });
    const first = await microsoft({ entraObjectId: "oid-1", entraTenantId: "tid-1", email: "ms@example.test" });
    expect(first.statusCode).toBe(200);
    const again = await microsoft({ entraObjectId: "oid-1", entraTenantId: "tid-1", email: "renamed@example.test" });
    expect(again.json().user.id).toBe(first.json().user.id);
    // The same object id in another directory is another account.
    const guest = await microsoft({ entraObjectId: "oid-1", entraTenantId: "tid-2", email: "guest@example.test" });
    expect(guest.statusCode).toBe(200);
    expect(guest.json().user.id).not.toBe(first.json().user.id);
  });

  test("the auth endpoints take the service token only, and user routes refuse it", async () => {
    const { token } = await api.ownerWithTenant();
    expect((await api.call(token, signup("x@example.test"))).statusCode).toBe(403);
    expect((await api.call(service, { method: "GET", url: "/v1/me" })).statusCode).toBe(403);
  });
});

describe("portal user tokens", () => {
  test("/v1/me lists the user's tenants with their role", async () => {
    const owner = await api.ownerWithTenant("Mine");
    const other = await api.ownerWithTenant("Theirs");
    await api.prisma.membership.create({
      data: { tenantId: other.tenantId, portalUserId: owner.userId, role: "viewer" },
    });
    const res = await api.call(owner.token, { method: "GET", url: "/v1/me" });
    expect(res.statusCode).toBe(200);
    expect(res.json().tenants).toEqual([
      { id: owner.tenantId, name: "Mine", role: "owner", sandboxMode: false },
      { id: other.tenantId, name: "Theirs", role: "viewer", sandboxMode: false },
    ]);
  });

  test("expired, foreign, long-lived or wrongly signed tokens are 401", async () => {
    const { userId } = await api.ownerWithTenant();
    const key = portalTokenKey(TEST_TOKEN_SECRET);
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: { iss?: string; aud?: string; iat?: number; exp?: number }, secret = key) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(userId)
        .setIssuer(claims.iss ?? PORTAL_TOKEN_ISSUER)
        .setAudience(claims.aud ?? PORTAL_TOKEN_AUDIENCE)
        .setIssuedAt(claims.iat ?? now)
        .setExpirationTime(claims.exp ?? now + 300)
        .sign(secret);
    const tokens = [
      await sign({ iat: now - 400, exp: now - 100 }),
      await sign({ aud: "someone-else" }),
      await sign({ iss: "not-the-portal" }),
      await sign({ exp: now + 3600 }),
      await sign({}, portalTokenKey("another-secret-of-at-least-32-characters")),
      "not.a.jwt",
    ];
    for (const token of tokens) {
      const res = await api.call(token, { method: "GET", url: "/v1/me" });
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toContain("Authorization");
    }
    expect(
      (await api.call(await signPortalToken(key, { sub: userId }), { method: "GET", url: "/v1/me" })).statusCode,
    ).toBe(200);
  });
});
