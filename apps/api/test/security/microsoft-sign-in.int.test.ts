// Taking over a portal account with a Microsoft account that merely claims its email: refused. A Microsoft
// account is linked only by the signed-in owner of the portal account, and is found by oid + tid afterwards.
import { type ApiHarness, startApiHarness } from "../api-harness";

let api: ApiHarness;
let service: string;
beforeAll(async () => {
  api = await startApiHarness();
  service = await api.serviceToken();
});
afterAll(() => api.close());

const microsoft = (payload: Record<string, string>) =>
  api.call(service, { method: "POST", url: "/v1/auth/microsoft", payload });

async function victim() {
  const email = `victim-${crypto.randomUUID()}@example.test`;
  const res = await api.call(service, {
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email, password: "the victim's long passphrase", tenantName: "Victim Ltd" },
  });
  expect(res.statusCode).toBe(202);
  const user = await api.prisma.portalUser.findUniqueOrThrow({ where: { email } });
  return { email, user, token: await api.userToken(user.id) };
}

test("a Microsoft account claiming an existing user's email is refused and links nothing", async () => {
  const { email, user } = await victim();
  const attack = await microsoft({ entraObjectId: "attacker-oid", entraTenantId: "attacker-tid", email });
  expect(attack.statusCode).toBe(409);
  expect(attack.json().message).toMatch(/sign in with that account's password, then link/i);
  expect(attack.json()).not.toHaveProperty("user");
  const after = await api.prisma.portalUser.findUniqueOrThrow({ where: { id: user.id } });
  expect(after).toMatchObject({ entraObjectId: null, entraTenantId: null });
});

test("an account already linked keeps its Microsoft account: another oid with its email does not replace it", async () => {
  const { email, user, token } = await victim();
  const link = await api.call(token, {
    method: "PUT",
    url: "/v1/me/microsoft-account",
    payload: { entraObjectId: "victim-oid", entraTenantId: "victim-tid" },
  });
  expect(link.statusCode).toBe(200);
  const attack = await microsoft({ entraObjectId: "attacker-oid-2", entraTenantId: "victim-tid", email });
  expect(attack.statusCode).toBe(409);
  expect(await api.prisma.portalUser.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
    entraObjectId: "victim-oid",
    entraTenantId: "victim-tid",
  });
  // The owner's own Microsoft account signs them in, whatever email its directory now claims.
  const own = await microsoft({ entraObjectId: "victim-oid", entraTenantId: "victim-tid", email: "any@example.test" });
  expect(own.json().user.id).toBe(user.id);
  // The same oid from another directory is another account, refused like any stranger claiming the email.
  const otherDirectory = await microsoft({ entraObjectId: "victim-oid", entraTenantId: "attacker-tid", email });
  expect(otherDirectory.statusCode).toBe(409);
});

test("linking needs the signed-in user; the portal's service token cannot, and a linked account stays with its user", async () => {
  const first = await victim();
  const second = await victim();
  const asService = await api.call(service, {
    method: "PUT",
    url: "/v1/me/microsoft-account",
    payload: { entraObjectId: "shared-oid", entraTenantId: "shared-tid" },
  });
  expect(asService.statusCode).toBe(403);
  const linked = await api.call(first.token, {
    method: "PUT",
    url: "/v1/me/microsoft-account",
    payload: { entraObjectId: "shared-oid", entraTenantId: "shared-tid" },
  });
  expect(linked.statusCode).toBe(200);
  const stolen = await api.call(second.token, {
    method: "PUT",
    url: "/v1/me/microsoft-account",
    payload: { entraObjectId: "shared-oid", entraTenantId: "shared-tid" },
  });
  expect(stolen.statusCode).toBe(409);
  const signIn = await microsoft({ entraObjectId: "shared-oid", entraTenantId: "shared-tid", email: second.email });
  expect(signIn.json().user.id).toBe(first.user.id);
});

test("a user linked before directories were recorded keeps signing in, and the first sign-in records the tid", async () => {
  const legacy = await api.prisma.portalUser.create({
    data: { email: `legacy-${crypto.randomUUID()}@example.test`, entraObjectId: "legacy-oid" },
  });
  const res = await microsoft({ entraObjectId: "legacy-oid", entraTenantId: "legacy-tid", email: legacy.email });
  expect(res.json().user.id).toBe(legacy.id);
  expect((await api.prisma.portalUser.findUniqueOrThrow({ where: { id: legacy.id } })).entraTenantId).toBe(
    "legacy-tid",
  );
});
