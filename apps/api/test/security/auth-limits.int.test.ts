// Authentication limits that protect instead of locking out: an attacker guessing an account's password
// from one address is slowed and then refused while the owner, from their own address, signs in; guessing
// API keys or forging tokens is refused per address; tokens from the future are refused; health and metrics
// never are.
import { createSecretKey } from "node:crypto";
import { SignJWT } from "jose";
import { ADDRESS_AUTH_FAILURES, SIGN_IN_FREE_FAILURES } from "../../src/auth/auth-limits";
import {
  CLIENT_ADDRESS_CLAIM,
  PORTAL_AUTH_SCOPE,
  PORTAL_TOKEN_AUDIENCE,
  PORTAL_TOKEN_ISSUER,
  portalTokenKey,
  signPortalToken,
} from "../../src/auth/portal-token";
import { type ApiHarness, startApiHarness, TEST_TOKEN_SECRET } from "../api-harness";

let api: ApiHarness;
const key = portalTokenKey(TEST_TOKEN_SECRET);
const OWNER_PASSWORD = "owner's own long passphrase";

// Dozens of password hashes per test: slow on a busy machine.
jest.setTimeout(60_000);

beforeAll(async () => {
  // A small global budget, to show health and metrics are outside it and portal users have their own.
  api = await startApiHarness({ rateLimitPerMinute: 100 });
});
afterAll(() => api.close());

/** The portal's service token, vouching for the browser at `clientAddress`. */
const portalFor = (clientAddress: string) =>
  signPortalToken(key, { sub: "portal", scope: PORTAL_AUTH_SCOPE, clientAddress });

async function signUp(email: string) {
  const res = await api.call(await portalFor("198.51.100.1"), {
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email, password: OWNER_PASSWORD, tenantName: "Victim Ltd" },
  });
  expect(res.statusCode).toBe(202);
}

async function logIn(email: string, password: string, clientAddress: string) {
  return api.call(await portalFor(clientAddress), {
    method: "POST",
    url: "/v1/auth/login",
    payload: { email, password },
  });
}

describe("password guessing through the portal", () => {
  test("an attacker's address is slowed then refused, while the owner signs in from theirs throughout", async () => {
    await signUp("victim@example.test");
    const attacker = "203.0.113.66";
    const owner = "198.51.100.7";
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const guess = await logIn("victim@example.test", `guess number ${i}`, attacker);
      statuses.push(guess.statusCode);
      if (guess.statusCode === 429) {
        expect(Number(guess.headers["retry-after"])).toBeGreaterThanOrEqual(1);
        expect(guess.json()).toMatchObject({ error: "rate_limited" });
      }
      if (i % 10 === 9) {
        // The owner is never held back by someone else's guesses.
        expect((await logIn("victim@example.test", OWNER_PASSWORD, owner)).statusCode).toBe(200);
      }
    }
    expect(statuses.slice(0, SIGN_IN_FREE_FAILURES)).toEqual(Array(SIGN_IN_FREE_FAILURES).fill(401));
    // In the ~5 s of the attack the doubling wait (1 s, 2 s, 4 s …) let through at most a couple more guesses.
    const checked = statuses.filter((s) => s === 401).length;
    expect(checked).toBeLessThanOrEqual(SIGN_IN_FREE_FAILURES + 3);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30 - SIGN_IN_FREE_FAILURES - 3);
    // While the address waits, even the right password is refused: the delay says nothing about the guess.
    await logIn("victim@example.test", "one more guess", attacker);
    expect((await logIn("victim@example.test", OWNER_PASSWORD, attacker)).statusCode).toBe(429);
    expect((await logIn("victim@example.test", OWNER_PASSWORD, owner)).statusCode).toBe(200);
  });

  test("the owner's own typos do not lock the owner out for long: the wait grows from one second", async () => {
    await signUp("typo@example.test");
    const home = "198.51.100.9";
    for (let i = 0; i < SIGN_IN_FREE_FAILURES; i++) {
      expect((await logIn("typo@example.test", `typo ${i}`, home)).statusCode).toBe(401);
    }
    const waiting = await logIn("typo@example.test", OWNER_PASSWORD, home);
    expect(waiting.statusCode).toBe(429);
    expect(Number(waiting.headers["retry-after"])).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await logIn("typo@example.test", OWNER_PASSWORD, home)).statusCode).toBe(200);
  });

  test("one address guessing across many accounts (spraying) is refused", async () => {
    const sprayer = "203.0.113.99";
    const statuses: number[] = [];
    for (let i = 0; i < 55; i++)
      statuses.push((await logIn(`user-${i}@example.test`, "Summer2026!", sprayer)).statusCode);
    expect(statuses.slice(0, 50).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(50)).toEqual([429, 429, 429, 429, 429]);
    // Another address is unaffected.
    expect((await logIn("user-0@example.test", "Summer2026!", "198.51.100.20")).statusCode).toBe(401);
  });

  test("the client address is believed only from the portal's signature, not from a header", async () => {
    await signUp("header@example.test");
    // Without the claim every attempt counts against the socket's address, whatever X-Forwarded-For says.
    const unsigned = await signPortalToken(key, { sub: "portal", scope: PORTAL_AUTH_SCOPE });
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_FREE_FAILURES + 2; i++) {
      const res = await api.call(unsigned, {
        method: "POST",
        url: "/v1/auth/login",
        payload: { email: "header@example.test", password: `guess ${i}` },
        headers: { "x-forwarded-for": `192.0.2.${i}`, "x-real-ip": `192.0.2.${i}` },
        remoteAddress: "10.9.9.9",
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.at(-1)).toBe(429);
    // A token naming an address but not signed by the portal is no token at all.
    const forged = await new SignJWT({ scope: PORTAL_AUTH_SCOPE, [CLIENT_ADDRESS_CLAIM]: "198.51.100.1" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("portal")
      .setIssuer(PORTAL_TOKEN_ISSUER)
      .setAudience(PORTAL_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(createSecretKey(Buffer.from("an attacker's own secret of 32+ characters")));
    const res = await api.call(forged, {
      method: "POST",
      url: "/v1/auth/login",
      payload: { email: "header@example.test", password: OWNER_PASSWORD },
      remoteAddress: "10.9.9.10",
    });
    expect(res.statusCode).toBe(401);
  });
});

describe("bad API keys and tokens", () => {
  test("guessing API keys from one address is refused after a few, while a real key elsewhere works", async () => {
    const owner = await api.ownerWithTenant("Keys Ltd");
    const realKey = (
      await api.call(owner.token, {
        method: "POST",
        url: `/v1/tenants/${owner.tenantId}/api-keys`,
        payload: { name: "ci", scopes: ["read"] },
      })
    ).json().key as string;
    const url = `/v1/tenants/${owner.tenantId}`;
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 700; i++) {
      const fake = `tsk_${i.toString(16).padStart(12, "0")}_${"A".repeat(43)}`;
      const res = await api.app.inject({
        method: "GET",
        url,
        headers: { authorization: `Bearer ${fake}` },
        remoteAddress: "203.0.113.5",
      });
      statuses.push(res.statusCode);
    }
    const tried = statuses.filter((s) => s === 401).length;
    console.log(`700 fake API keys in ${Date.now() - started} ms: ${tried} checked, ${700 - tried} refused (429)`);
    expect(tried).toBe(ADDRESS_AUTH_FAILURES);
    expect(statuses.slice(ADDRESS_AUTH_FAILURES).every((s) => s === 429)).toBe(true);
    // Even the right key from that address waits; from anywhere else it works.
    const fromAttacker = await api.app.inject({
      method: "GET",
      url,
      headers: { authorization: `Bearer ${realKey}` },
      remoteAddress: "203.0.113.5",
    });
    expect(fromAttacker.statusCode).toBe(429);
    expect(Number(fromAttacker.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    const elsewhere = await api.app.inject({
      method: "GET",
      url,
      headers: { authorization: `Bearer ${realKey}` },
      remoteAddress: "198.51.100.30",
    });
    expect(elsewhere.statusCode).toBe(200);
  });

  test("forged portal tokens from one address are refused after a few", async () => {
    const wrongKey = portalTokenKey("not the portal's secret, but 32+ characters long");
    const statuses: number[] = [];
    for (let i = 0; i < ADDRESS_AUTH_FAILURES + 5; i++) {
      const forged = await signPortalToken(wrongKey, { sub: crypto.randomUUID() });
      const res = await api.app.inject({
        method: "GET",
        url: "/v1/me",
        headers: { authorization: `Bearer ${forged}` },
        remoteAddress: "203.0.113.6",
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, ADDRESS_AUTH_FAILURES).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(ADDRESS_AUTH_FAILURES).every((s) => s === 429)).toBe(true);
  });

  test("guessing the operator token for Bull Board is refused after a few", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ADDRESS_AUTH_FAILURES + 5; i++) {
      const res = await api.app.inject({
        method: "GET",
        url: "/admin/queues",
        headers: { authorization: `Bearer operator-guess-${i}` },
        remoteAddress: "203.0.113.8",
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, ADDRESS_AUTH_FAILURES).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(ADDRESS_AUTH_FAILURES).every((s) => s === 429)).toBe(true);
  });

  test("a token issued an hour in the future is refused; a few seconds of clock skew are tolerated", async () => {
    const { userId } = await api.ownerWithTenant("Clock Ltd");
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = (iat: number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(userId)
        .setIssuer(PORTAL_TOKEN_ISSUER)
        .setAudience(PORTAL_TOKEN_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 300)
        .sign(key);
    const future = await api.call(await issuedAt(now + 3600), { method: "GET", url: "/v1/me" });
    expect(future.statusCode).toBe(401);
    const skewed = await api.call(await issuedAt(now + 3), { method: "GET", url: "/v1/me" });
    expect(skewed.statusCode).toBe(200);
  });
});

describe("what is never limited", () => {
  test("health and metrics answer beyond the global budget", async () => {
    for (let i = 0; i < 150; i++) {
      const url = ["/healthz", "/readyz", "/metrics"][i % 3] as string;
      const res = await api.app.inject({ method: "GET", url, remoteAddress: "192.0.2.200" });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
    }
  });

  test("portal users each have their own budget, though all arrive from the portal's one address", async () => {
    const busy = await api.ownerWithTenant("Busy Ltd");
    const quiet = await api.ownerWithTenant("Quiet Ltd");
    let limited = false;
    for (let i = 0; i < 120 && !limited; i++) {
      const res = await api.call(busy.token, { method: "GET", url: `/v1/tenants/${busy.tenantId}` });
      limited = res.statusCode === 429;
    }
    expect(limited).toBe(true);
    expect((await api.call(quiet.token, { method: "GET", url: `/v1/tenants/${quiet.tenantId}` })).statusCode).toBe(200);
  });
});
