import { safeReturnPath, signInPathFor, withReturnPath } from "./return-path";

describe("where sign-in and sign-up go back to", () => {
  test("a path of this portal is kept", () => {
    expect(safeReturnPath("/invitations/inv_abc.def")).toBe("/invitations/inv_abc.def");
    expect(safeReturnPath("/t/1/settings?x=1")).toBe("/t/1/settings?x=1");
  });

  test("another site, a scheme, backslashes, control characters and junk are refused (no open redirect)", () => {
    for (const bad of [
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "javascript:alert(1)",
      "evil.example",
      "/x\ny",
      "",
      `/${"a".repeat(600)}`,
      undefined,
      ["/x"],
    ]) {
      expect({ bad, kept: safeReturnPath(bad) }).toEqual({ bad, kept: null });
    }
  });

  test("links carry the path encoded", () => {
    expect(withReturnPath("/sign-up", "/invitations/a.b")).toBe("/sign-up?returnTo=%2Finvitations%2Fa.b");
  });
});

describe("an ended session goes to sign-in and back to the page it was on", () => {
  test("the page (and its query) is the return path", () => {
    expect(signInPathFor("/t/1/settings")).toBe("/sign-in?returnTo=%2Ft%2F1%2Fsettings");
    expect(signInPathFor("/t/1/onboarding/preview?runId=r1")).toBe(
      "/sign-in?returnTo=%2Ft%2F1%2Fonboarding%2Fpreview%3FrunId%3Dr1",
    );
  });

  test("no page worth coming back to, or one that is not the portal's, is plain sign-in", () => {
    for (const none of [null, undefined, "/", "/sign-in?returnTo=%2Fx", "/api/auth/session", "//evil.example"]) {
      expect(signInPathFor(none)).toBe("/sign-in");
    }
  });
});
