import {
  hashInvitationToken,
  isSignedInvitationToken,
  mintInvitationToken,
  withoutInvitationToken,
} from "./invitation-token";
import { portalTokenKey } from "./portal-token";

const key = portalTokenKey("unit-test-portal-token-secret-0123456789");
const otherKey = portalTokenKey("another-portal-token-secret-0123456789ab");

describe("invitation tokens", () => {
  test("a minted token is signed by this key only, and stored as its SHA-256", () => {
    const { token, hash } = mintInvitationToken(key);
    expect(token).toMatch(/^inv_[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashInvitationToken(token));
    expect(hash).not.toContain(token.slice(4, 47));
    expect(isSignedInvitationToken(key, token)).toBe(true);
    expect(isSignedInvitationToken(otherKey, token)).toBe(false);
  });

  test("two tokens never repeat", () => {
    const tokens = new Set(Array.from({ length: 100 }, () => mintInvitationToken(key).token));
    expect(tokens.size).toBe(100);
  });

  test("a changed random part, a changed signature or another shape is refused", () => {
    const { token } = mintInvitationToken(key);
    const [random, signature] = token.slice(4).split(".") as [string, string];
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    for (const forged of [
      `inv_${flip(random)}.${signature}`,
      `inv_${random}.${flip(signature)}`,
      `inv_${random}`,
      `tsk_${random}.${signature}`,
      `${token}x`,
      "",
    ]) {
      expect({ forged, signed: isSignedInvitationToken(key, forged) }).toEqual({ forged, signed: false });
    }
  });

  test("log lines keep the path and lose the token", () => {
    const { token } = mintInvitationToken(key);
    expect(withoutInvitationToken(`/v1/invitations/${token}/accept`)).toBe("/v1/invitations/[redacted]/accept");
    expect(withoutInvitationToken(`/v1/invitations/${token}?x=1`)).toBe("/v1/invitations/[redacted]?x=1");
    expect(withoutInvitationToken("/v1/tenants/t/invitations")).toBe("/v1/tenants/t/invitations");
  });
});
