import { loadWebEnv } from "./env";

describe("portal environment", () => {
  const base = { API_TOKEN_SECRET: "a".repeat(32), NEXTAUTH_SECRET: "b".repeat(32) };

  test("defaults point at the local API and portal", () => {
    expect(loadWebEnv(base)).toMatchObject({ API_URL: "http://127.0.0.1:4000", NEXTAUTH_URL: "http://localhost:3000" });
  });

  test("a missing secret is named in one clear line", () => {
    expect(() => loadWebEnv({ API_TOKEN_SECRET: base.API_TOKEN_SECRET })).toThrow(
      /^Missing environment variable NEXTAUTH_SECRET/,
    );
  });

  test("in production a published example secret stops the portal, naming it", () => {
    const published = { ...base, NEXTAUTH_SECRET: "local-dev-only-nextauth-secret-0123456789abcdef" };
    expect(() => loadWebEnv({ ...published, NODE_ENV: "production" })).toThrow(
      /^Refusing to start in production: NEXTAUTH_SECRET is a published example value/,
    );
    const placeholder = { ...base, API_TOKEN_SECRET: "replace-me-with-32-random-bytes-base64" };
    expect(() => loadWebEnv({ ...placeholder, NODE_ENV: "production" })).toThrow(/API_TOKEN_SECRET/);
    expect(loadWebEnv({ ...base, NODE_ENV: "production" }).NEXTAUTH_SECRET).toBe(base.NEXTAUTH_SECRET);
  });
});
