import type { CredentialsConfig } from "next-auth/providers/credentials";
import { loadWebEnv } from "../env";
import { buildAuthOptions } from "./auth-options";

const env = loadWebEnv({
  API_TOKEN_SECRET: "a".repeat(32),
  NEXTAUTH_SECRET: "b".repeat(32),
  API_URL: "http://api.test",
});

function authorize(answer: Response) {
  const fetchSpy = jest.spyOn(globalThis, "fetch").mockResolvedValue(answer);
  const credentials = buildAuthOptions(env).providers[0] as CredentialsConfig;
  const result = credentials.options.authorize?.(
    { email: "ada@contoso.example", password: "a-long-password" },
    {} as never,
  );
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
