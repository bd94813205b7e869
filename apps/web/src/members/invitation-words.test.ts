import { invitableRoles, invitationExpiryDate, invitationLinkMessage } from "./invitation-words";

describe("invitation words", () => {
  test("the link's message says to send it on, that it works once, and when it expires", () => {
    expect(invitationLinkMessage("Ann@Example.test", "2026-12-08T22:00:00.000Z")).toBe(
      "Invitation for Ann@Example.test created. Copy this link and send it to them; it works once and expires on 8 December 2026. It will not be shown again.",
    );
  });

  test("a bad date reads as a dash, not 'Invalid Date'", () => {
    expect(invitationExpiryDate("soon")).toBe("—");
  });

  test("only an owner may offer the owner role", () => {
    expect(invitableRoles("owner")).toContain("owner");
    expect(invitableRoles("admin")).toEqual(["viewer", "admin"]);
  });
});
