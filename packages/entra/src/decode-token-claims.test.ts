import { SignJWT } from "jose";
import { decodeTokenClaims } from "./tenant-token-provider";

const key = new TextEncoder().encode("a-signing-key-the-decoder-never-sees-0123");

async function tokenWith(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key);
}

describe("decodeTokenClaims", () => {
  test("reads roles, tenant and app id of an app-only token", async () => {
    const token = await tokenWith({ roles: ["Group.Read.All", "User.Read.All"], tid: "tenant-1", appid: "app-1" });
    expect(decodeTokenClaims(token)).toEqual({
      roles: ["Group.Read.All", "User.Read.All"],
      tid: "tenant-1",
      appid: "app-1",
    });
  });

  test("takes azp when a v2 token has no appid", async () => {
    expect(decodeTokenClaims(await tokenWith({ azp: "app-2" }))).toEqual({ roles: [], appid: "app-2" });
  });

  test("a token that is not a JWT yields no roles rather than an error", () => {
    expect(decodeTokenClaims("opaque-access-token")).toEqual({ roles: [] });
    expect(decodeTokenClaims("a.not-json.c")).toEqual({ roles: [] });
  });
});
