import { decodeJwt } from "jose";
import type { CredentialsConfig } from "next-auth/providers/credentials";
import { loadWebEnv } from "../env";
import { buildAuthOptions } from "./auth-options";
import { microsoftLinkIntentUser, signMicrosoftLinkIntent } from "./microsoft-link";

const env = loadWebEnv({
  API_TOKEN_SECRET: "a".repeat(32),
  NEXTAUTH_SECRET: "b".repeat(32),
  API_URL: "http://api.test",
});

function authorize(answer: Response, headers: Record<string, string> = {}) {
  const fetchSpy = jest.spyOn(globalThis, "fetch").mockResolvedValue(answer);
  const credentials = buildAuthOptions(env).providers[0] as CredentialsConfig;
  const result = credentials.options.authorize?.({ email: "ada@contoso.example", password: "a-long-password" }, {
    headers,
  } as never);
  return { result: Promise.resolve(result), fetchSpy };
}

afterEach(() => jest.restoreAllMocks());

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

describe("email and password sign-in", () => {
  test("the API's user becomes the session's user", async () => {
    const { result, fetchSpy } = authorize(json(200, { user: { id: "u1", email: "ada@contoso.example" } }));
    await expect(result).resolves.toEqual({ id: "u1", email: "ada@contoso.example", name: null });
    expect(String(fetchSpy.mock.calls[0]?.[0])).toBe("http://api.test/v1/auth/login");
  });

  test("wrong credentials are said plainly", async () => {
    const { result } = authorize(json(401, { error: "invalid_credentials", message: "Invalid credentials." }));
    await expect(result).rejects.toThrow("That email and password don't match.");
  });

  test("the API's rate limit message is shown as is", async () => {
    const { result } = authorize(
      json(429, { error: "rate_limited", message: "Too many sign-in attempts. Wait a minute." }),
    );
    await expect(result).rejects.toThrow("Too many sign-in attempts. Wait a minute.");
  });

  test("Sign in with Microsoft is offered only when configured", () => {
    expect(buildAuthOptions(env).providers.map((p) => p.id)).toEqual(["credentials"]);
    const withMicrosoft = loadWebEnv({
      API_TOKEN_SECRET: "a".repeat(32),
      NEXTAUTH_SECRET: "b".repeat(32),
      AZURE_AD_CLIENT_ID: "client",
      AZURE_AD_CLIENT_SECRET: "secret",
      AZURE_AD_TENANT_ID: "tenant",
    });
    expect(buildAuthOptions(withMicrosoft).providers.map((p) => p.id)).toEqual(["credentials", "azure-ad"]);
  });
});

describe("the browser's address reaches the API inside the signed token", () => {
  test("sign-in names the address the nearest proxy saw", async () => {
    const { result, fetchSpy } = authorize(json(200, { user: { id: "u1", email: "ada@contoso.example" } }), {
      "x-forwarded-for": "10.1.1.1, 203.0.113.9",
    });
    await result;
    const init = fetchSpy.mock.calls[0]?.[1] as RequestInit;
    const token = String((init.headers as Record<string, string>).authorization).replace("Bearer ", "");
    expect(decodeJwt(token)).toMatchObject({ sub: "portal", client_address: "203.0.113.9" });
  });
});

describe("Sign in with Microsoft", () => {
  const withMicrosoft = loadWebEnv({
    API_TOKEN_SECRET: "a".repeat(32),
    NEXTAUTH_SECRET: "b".repeat(32),
    API_URL: "http://api.test",
    AZURE_AD_CLIENT_ID: "client",
    AZURE_AD_CLIENT_SECRET: "secret",
    AZURE_AD_TENANT_ID: "tenant",
  });
  const signInWith = (profile: Record<string, string>) => {
    const user = { id: "microsoft-sub" };
    const result = buildAuthOptions(withMicrosoft).callbacks?.signIn?.({
      user,
      account: { provider: "azure-ad", type: "oauth", providerAccountId: "microsoft-sub" },
      profile,
    } as never);
    return { user, result: Promise.resolve(result) };
  };

  test("asks the API for the account by oid and tid, and signs in the portal user it names", async () => {
    const fetchSpy = jest
      .spyOn(globalThis, "fetch")
      .mockResolvedValue(json(200, { user: { id: "portal-user", email: "ada@contoso.example" } }));
    const { user, result } = signInWith({ oid: "o-1", tid: "t-1", email: "ada@contoso.example", name: "Ada" });
    await expect(result).resolves.toBe(true);
    expect(user.id).toBe("portal-user");
    expect(String(fetchSpy.mock.calls[0]?.[0])).toBe("http://api.test/v1/auth/microsoft");
    expect(JSON.parse(String((fetchSpy.mock.calls[0]?.[1] as RequestInit | undefined)?.body))).toEqual({
      entraObjectId: "o-1",
      entraTenantId: "t-1",
      email: "ada@contoso.example",
      name: "Ada",
    });
  });

  test("an account whose email belongs to an unlinked portal user is sent back with the API's words", async () => {
    jest
      .spyOn(globalThis, "fetch")
      .mockResolvedValue(json(409, { error: "conflict", message: "Sign in with that account's password, then link." }));
    const { user, result } = signInWith({ oid: "o-2", tid: "t-2", email: "victim@contoso.example" });
    await expect(result).resolves.toBe(
      `/sign-in?error=${encodeURIComponent("Sign in with that account's password, then link.")}`,
    );
    expect(user.id).toBe("microsoft-sub");
  });

  test("a profile without an object id and directory is refused without asking the API", async () => {
    const fetchSpy = jest.spyOn(globalThis, "fetch");
    const { result } = signInWith({ oid: "o-3", email: "ada@contoso.example" });
    await expect(result).resolves.toMatch(/^\/sign-in\?error=/);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  test("a link intent names its user, and a forged one names nobody", async () => {
    const intent = await signMicrosoftLinkIntent("b".repeat(32), "portal-user");
    expect(await microsoftLinkIntentUser("b".repeat(32), intent)).toBe("portal-user");
    expect(await microsoftLinkIntentUser("c".repeat(32), intent)).toBeNull();
    expect(await microsoftLinkIntentUser("b".repeat(32), undefined)).toBeNull();
  });
});
