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
});
