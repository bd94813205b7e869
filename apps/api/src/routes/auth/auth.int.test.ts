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

const signup = (email: string, password = "correct horse battery") => ({
  method: "POST" as const,
  url: "/v1/auth/signup",
  payload: { email, password, name: "Ada", tenantName: "Ada's Rescue" },
});

describe("portal auth endpoints (service token)", () => {
  test("signup creates the user and a tenant they own; the same email again is 409", async () => {
    const res = await api.call(service, signup("Ada@Example.test"));
    expect(res.statusCode).toBe(201);
    const { user, tenant } = res.json();
    expect(user).toEqual({ id: expect.any(String), email: "ada@example.test", name: "Ada" });
    expect(tenant.name).toBe("Ada's Rescue");
    const membership = await api.prisma.membership.findFirst({ where: { portalUserId: user.id } });
    expect(membership).toMatchObject({ tenantId: tenant.id, role: "owner" });
    const stored = await api.prisma.portalUser.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);

    const again = await api.call(service, signup("ada@example.test"));
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain("email");
  });

  test("login answers the user for the right password and invalid_credentials otherwise", async () => {
    await api.call(service, signup("grace@example.test", "the right password"));
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

  test("login is rate-limited per email and caller", async () => {
    const attempt = (email: string) =>
      api.call(service, { method: "POST", url: "/v1/auth/login", payload: { email, password: "guess" } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt("target@example.test")).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Another email from the same caller is not held back by the first one's attempts.
    expect((await attempt("someone-else@example.test")).statusCode).toBe(401);
  });

  test("Microsoft sign-in links by object id, then by email, else creates the user", async () => {
    const first = await api.call(service, {
      method: "POST",
      url: "/v1/auth/microsoft",
      payload: { entraObjectId: "oid-1", email: "ms@example.test", name: "MS" },
    });
    expect(first.statusCode).toBe(200);
    const again = await api.call(service, {
      method: "POST",
      url: "/v1/auth/microsoft",
      payload: { entraObjectId: "oid-1", email: "renamed@example.test" },
    });
    expect(again.json().user.id).toBe(first.json().user.id);

    const existing = (await api.call(service, signup("linked@example.test"))).json().user;
    const linked = await api.call(service, {
      method: "POST",
      url: "/v1/auth/microsoft",
      payload: { entraObjectId: "oid-2", email: "linked@example.test" },
    });
    expect(linked.json().user.id).toBe(existing.id);
    expect((await api.prisma.portalUser.findUniqueOrThrow({ where: { id: existing.id } })).entraObjectId).toBe("oid-2");
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
