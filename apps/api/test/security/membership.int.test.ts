// Membership needs the invitee's consent. The attack this guards against: a tenant owner "added" any email
// as a member, and at once learned the person's name, put the tenant into their /v1/me, and, for an email
// unknown to the portal, made a password-less account that then blocked the person's own sign-up (409).
import { type ApiHarness, invitationTokenOf, startApiHarness } from "../api-harness";

let api: ApiHarness;
let service: string;
beforeAll(async () => {
  api = await startApiHarness();
  service = await api.serviceToken();
});
afterAll(() => api.close());

async function signedUp(email: string, name: string) {
  const res = await api.call(service, {
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email, name, password: "correct horse battery staple", tenantName: `${name}'s own` },
  });
  // Sign-up answers alike for new and registered emails; signing in names the account.
  expect(res.statusCode).toBe(202);
  const login = await api.call(service, {
    method: "POST",
    url: "/v1/auth/login",
    payload: { email, password: "correct horse battery staple" },
  });
  expect(login.statusCode).toBe(200);
  const userId: string = login.json().user.id;
  return { userId, token: await api.userToken(userId) };
}

const tenantsOf = async (token: string) =>
  ((await api.call(token, { method: "GET", url: "/v1/me" })).json().tenants as { id: string }[]).map((t) => t.id);

describe("finding 5: membership without consent", () => {
  test("inviting a registered person reveals nothing about them and gives the tenant no place in their /v1/me", async () => {
    const attacker = await api.ownerWithTenant("Attacker Ltd");
    const victim = await signedUp("victim@example.test", "Victoria Victim");
    const base = `/v1/tenants/${attacker.tenantId}`;

    // The old way in is gone: adding a member by email is no route any more.
    const oldWay = await api.call(attacker.token, {
      method: "POST",
      url: `${base}/members`,
      payload: { email: "victim@example.test", role: "viewer" },
    });
    expect(oldWay.statusCode).toBe(404);

    const known = await api.call(attacker.token, {
      method: "POST",
      url: `${base}/invitations`,
      payload: { email: "Victim@Example.test", role: "viewer" },
    });
    const unknown = await api.call(attacker.token, {
      method: "POST",
      url: `${base}/invitations`,
      payload: { email: "nobody-yet@example.test", role: "viewer" },
    });
    expect([known.statusCode, unknown.statusCode]).toEqual([201, 201]);
    // Same shape either way; nothing of the person (name, id, "has an account") in the answer.
    const shapeOf = (body: Record<string, unknown>) =>
      JSON.stringify(body, (_k, v) => (typeof v === "string" ? "" : v));
    expect(shapeOf(known.json())).toBe(shapeOf(unknown.json()));
    expect(known.body).not.toContain("Victoria");
    expect(known.body).not.toContain(victim.userId);
    expect(known.json().invitation.email).toBe("Victim@Example.test");

    // Not a member until they accept: /v1/me, the tenant's routes and its member list all say so.
    expect(await tenantsOf(victim.token)).not.toContain(attacker.tenantId);
    expect((await api.call(victim.token, { method: "GET", url: base })).statusCode).toBe(404);
    const members = (await api.call(attacker.token, { method: "GET", url: `${base}/members` })).json().members;
    expect(members.map((m: { userId: string }) => m.userId)).toEqual([attacker.userId]);
    const listed = await api.call(attacker.token, { method: "GET", url: `${base}/invitations` });
    expect(listed.body).not.toContain("Victoria");

    // Their consent, and only theirs, makes them a member.
    const accepted = await api.call(victim.token, {
      method: "POST",
      url: `/v1/invitations/${invitationTokenOf(known.json().link)}/accept`,
    });
    expect(accepted.statusCode).toBe(200);
    expect(await tenantsOf(victim.token)).toContain(attacker.tenantId);
  });

  test("inviting an unknown email creates no account: the person signs up normally, then accepts", async () => {
    const owner = await api.ownerWithTenant("Inviting Ltd");
    const usersBefore = await api.prisma.portalUser.count();
    const invited = await api.call(owner.token, {
      method: "POST",
      url: `/v1/tenants/${owner.tenantId}/invitations`,
      payload: { email: "newcomer@example.test", role: "admin" },
    });
    expect(invited.statusCode).toBe(201);
    expect(await api.prisma.portalUser.count()).toBe(usersBefore);
    expect(await api.prisma.portalUser.findUnique({ where: { email: "newcomer@example.test" } })).toBeNull();

    // Sign-up without an organisation of their own, then sign-in, both work.
    const signup = await api.call(service, {
      method: "POST",
      url: "/v1/auth/signup",
      payload: { email: "newcomer@example.test", password: "correct horse battery staple" },
    });
    expect(signup.statusCode).toBe(202);
    const login = await api.call(service, {
      method: "POST",
      url: "/v1/auth/login",
      payload: { email: "newcomer@example.test", password: "correct horse battery staple" },
    });
    expect(login.statusCode).toBe(200);
    const token = await api.userToken(login.json().user.id);
    expect(await tenantsOf(token)).toEqual([]);
    const accepted = await api.call(token, {
      method: "POST",
      url: `/v1/invitations/${invitationTokenOf(invited.json().link)}/accept`,
    });
    expect(accepted.json()).toEqual({ tenant: { id: owner.tenantId, name: "Inviting Ltd" }, role: "admin" });
    expect(await tenantsOf(token)).toEqual([owner.tenantId]);
  });

  test("a password-less account left by the old behaviour no longer blocks its person's sign-up or sign-in", async () => {
    const owner = await api.ownerWithTenant("Old Ways Ltd");
    // What the former add-member-by-email left behind: a user with neither a password nor a Microsoft link.
    const leftover = await api.prisma.portalUser.create({ data: { email: "leftover@example.test" } });
    await api.prisma.membership.create({
      data: { tenantId: owner.tenantId, portalUserId: leftover.id, role: "admin" },
    });

    const signup = await api.call(service, {
      method: "POST",
      url: "/v1/auth/signup",
      payload: { email: "leftover@example.test", password: "correct horse battery staple", tenantName: "Mine" },
    });
    expect(signup.statusCode).toBe(202);
    const login = await api.call(service, {
      method: "POST",
      url: "/v1/auth/login",
      payload: { email: "leftover@example.test", password: "correct horse battery staple" },
    });
    expect(login.statusCode).toBe(200);
    // The same account, completed: no second user for the email.
    expect(login.json().user.id).toBe(leftover.id);
    // The membership they never accepted ended with the sign-up (whoever signed up first would have had it);
    // only their own new organisation is theirs.
    const token = await api.userToken(leftover.id);
    const own = await tenantsOf(token);
    expect(own).toHaveLength(1);
    expect(own).not.toContain(owner.tenantId);
    const audit = await api.prisma.auditEvent.findFirst({
      where: { tenantId: owner.tenantId, action: "member.removed", target: `user:${leftover.id}` },
    });
    expect(audit).not.toBeNull();

    // Completed once: a second sign-up with the email cannot replace the password.
    await api.call(service, {
      method: "POST",
      url: "/v1/auth/signup",
      payload: { email: "leftover@example.test", password: "another horse battery staple", tenantName: "Again" },
    });
    const logIn = (password: string) =>
      api.call(service, {
        method: "POST",
        url: "/v1/auth/login",
        payload: { email: "leftover@example.test", password },
      });
    expect((await logIn("another horse battery staple")).statusCode).toBe(401);
    expect((await logIn("correct horse battery staple")).statusCode).toBe(200);
  });
});
