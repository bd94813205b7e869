import { decodeProtectedHeader, jwtVerify } from "jose";
import { signPortalServiceToken, signPortalUserToken } from "./api-token";

const secret = "s".repeat(40);
const key = new TextEncoder().encode(secret);
const verify = (token: string) => jwtVerify(token, key, { issuer: "techsync-portal", audience: "techsync-api" });

describe("portal tokens for the API", () => {
  test("a user token names the portal user and lives 300 seconds", async () => {
    const token = await signPortalUserToken(secret, "user-42", new Date());
    const { payload } = await verify(token);
    expect(decodeProtectedHeader(token).alg).toBe("HS256");
    expect(payload.sub).toBe("user-42");
    expect(payload.scope).toBeUndefined();
    expect(payload.exp! - payload.iat!).toBe(300);
  });

  test("the service token is the portal's, scoped to the auth endpoints", async () => {
    const { payload } = await verify(await signPortalServiceToken(secret));
    expect(payload).toMatchObject({ sub: "portal", scope: "portal:auth" });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300);
  });

  test("a token signed with another secret is refused", async () => {
    const token = await signPortalUserToken("x".repeat(40), "user-42");
    await expect(verify(token)).rejects.toThrow();
  });

  test("a token older than five minutes has expired", async () => {
    const token = await signPortalUserToken(secret, "user-42", new Date(Date.now() - 301_000));
    await expect(verify(token)).rejects.toThrow(/exp/);
  });
});
