// Which of an app registration's credentials is the stored secret, from Graph's three-character hints alone.
import { pickSecretCredential } from "./client-secret-expiry";

const now = new Date("2026-12-02T00:00:00Z");
const credential = (keyId: string, hint: string, endDateTime: string) => ({ keyId, hint, endDateTime });

describe("pickSecretCredential", () => {
  it("takes the credential whose hint is the secret's first three characters", () => {
    const picked = pickSecretCredential(
      [credential("a", "Abc", "2027-01-01T00:00:00Z"), credential("b", "Xyz", "2027-06-01T00:00:00Z")],
      "Xyz8Q~rest-of-the-secret",
      now,
    );
    expect(picked?.keyId).toBe("b");
  });

  it("of several sharing the hint, takes the one not yet expired; with two live ones, none", () => {
    const expired = credential("old", "Xyz", "2026-01-01T00:00:00Z");
    const live = credential("new", "Xyz", "2027-01-01T00:00:00Z");
    expect(pickSecretCredential([expired, live], "Xyz8Q~secret", now)?.keyId).toBe("new");
    expect(pickSecretCredential([live, { ...live, keyId: "other" }], "Xyz8Q~secret", now)).toBeUndefined();
  });

  it("without a matching hint takes the only credential, and none of several", () => {
    const only = credential("only", "Abc", "2027-01-01T00:00:00Z");
    expect(pickSecretCredential([only], "Xyz8Q~secret", now)?.keyId).toBe("only");
    expect(
      pickSecretCredential([only, credential("b", "Def", "2027-01-01T00:00:00Z")], "Xyz8Q~secret", now),
    ).toBeUndefined();
    expect(pickSecretCredential([], "Xyz8Q~secret", now)).toBeUndefined();
  });
});
