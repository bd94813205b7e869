import { SyncPortError } from "@techsync/sync-core";
import { checkDefaultPassword } from "./default-password";
import {
  httpError,
  meaningOfReturnCode,
  RESCUE_RETURN_CODES,
  RescueError,
  rescueErrorForCode,
  transportError,
} from "./rescue-error";
import { nodeKindOf, rescueNodeOf, technicianStatusOf } from "./rescue-node";

describe("rescueErrorForCode", () => {
  it.each([
    ["ERROR", true, false],
    ["NOTLOGGEDIN", false, true],
    ["LIMITREACHED", true, false],
    ["INVALID", false, false],
    ["INVALID_SECRETAUTHCODE", false, false],
    ["USER_DELETED_OR_DISABLED", false, false],
    ["INVALIDPARAM_EMAIL_ALREADY_IN_USE", false, false],
    ["INVALIDPARAM_PARENT", false, false],
  ])("%s → retryable %s, sessionExpired %s", (code, retryable, sessionExpired) => {
    const error = rescueErrorForCode(code, "setUser_v2");
    expect(error).toBeInstanceOf(SyncPortError);
    expect(error).toBeInstanceOf(RescueError);
    expect(error).toMatchObject({ code, retryable, sessionExpired, method: "setUser_v2" });
    expect(error.hint).toBeTruthy();
  });

  it("says what a person should do for the codes people meet", () => {
    expect(rescueErrorForCode("INVALIDPARAM_EMAIL_ALREADY_IN_USE", "m").message).toMatch(
      /belongs to another Rescue user/,
    );
    expect(rescueErrorForCode("INVALID_SECRETAUTHCODE", "m").hint).toMatch(/Global Settings › Generate API token/);
    expect(rescueErrorForCode("USER_DELETED_OR_DISABLED", "m").message).toMatch(/deleted or disabled/);
    // LIMITREACHED waits, since Rescue's window is 3 minutes.
    expect(rescueErrorForCode("LIMITREACHED", "login").retryAfterMs).toBe(60_000);
  });

  it("recognises the documented password family by its prefix (the plain-text spelling is unconfirmed)", () => {
    expect(rescueErrorForCode("INVALIDPARAM_PASSWORD_HAS_TO_BE_AT_LEAST_8_CHARACTERS_LONG", "m").message).toMatch(
      /password policy/,
    );
    expect(
      rescueErrorForCode("INVALIDPARAM_PASSWORD_CANNOT_CONTAIN_WHITESPACE_CHARACTERS", "m").holdUntilInputChanges,
    ).toBe(false);
  });

  it("invents no code: a licence refusal has no documented code, so LICENSELIMITREACHED is unknown", () => {
    expect(meaningOfReturnCode("LICENSELIMITREACHED")).toBeUndefined();
    expect(meaningOfReturnCode("MOBILELICENSELIMITREACHED")).toBeUndefined();
    expect(Object.keys(RESCUE_RETURN_CODES).some((code) => /LICEN[CS]E/.test(code))).toBe(false);
  });

  it("unknown code: fails once, verbatim, not retried, held until the input changes, pointing at the sync log", () => {
    const error = rescueErrorForCode("SOMETHING_NEW", "getUser_v3");
    expect(error).toMatchObject({
      code: "SOMETHING_NEW",
      retryable: false,
      sessionExpired: false,
      holdUntilInputChanges: true,
    });
    expect(error.message).toContain("SOMETHING_NEW");
    expect(error.hint).toMatch(/sync log/);
    // A documented code is never held: its meaning tells what to do.
    expect(rescueErrorForCode("INVALIDPARAM_EMAIL_ALREADY_IN_USE", "setUser_v2").holdUntilInputChanges).toBe(false);
  });

  it("an empty reply is a transport fault: retried, never held", () => {
    expect(rescueErrorForCode("", "getUser_v3")).toMatchObject({
      code: "NOT_A_RESCUE_REPLY",
      retryable: true,
      holdUntilInputChanges: false,
    });
  });

  it.each(Object.keys(RESCUE_RETURN_CODES))("documented code %s has a plain-language message and hint", (code) => {
    const error = rescueErrorForCode(code, "setUser_v2");
    expect(error.code).toBe(code);
    expect(error.message).not.toMatch(/does not know/);
    expect(error.hint?.length).toBeGreaterThan(10);
    expect(error.holdUntilInputChanges).toBe(false);
  });

  it("makes transport failures, timeouts, 429 and 5xx retryable", () => {
    const timeout = new Error("t");
    timeout.name = "TimeoutError";
    expect(transportError("m", timeout, 100)).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(transportError("m", new TypeError("fetch failed"), 100)).toMatchObject({
      code: "TRANSPORT",
      retryable: true,
    });
    expect(httpError("m", 429, 2000)).toMatchObject({ code: "HTTP_429", retryable: true, retryAfterMs: 2000 });
    expect(httpError("m", 503, undefined)).toMatchObject({ retryable: true });
    expect(httpError("m", 404, undefined)).toMatchObject({ retryable: false });
  });
});

describe("checkDefaultPassword", () => {
  it("passes a policy-compliant password", () => {
    expect(checkDefaultPassword("Welcome-2026")).toBeUndefined();
  });
  it.each([
    ["Sh0rt!", /shorter than 8/],
    ["Has Space1!", /whitespace/],
    ["alllowercase", /character classes/],
  ])("refuses %s", (password, reason) => {
    expect(checkDefaultPassword(password)?.message).toMatch(reason);
  });
});

describe("tree mapping", () => {
  it("maps every documented Type, in any case, and the SOAP spelling", () => {
    expect(nodeKindOf("Masteradministrators")).toBe("masterAdministrators");
    expect(nodeKindOf("MasterAdministrator")).toBe("masterAdministrator");
    expect(nodeKindOf("TECHNICIANGROUP")).toBe("technicianGroup");
    expect(nodeKindOf("AdministratorGroupLink")).toBe("administratorGroupLink");
    expect(nodeKindOf("PseudoGroup")).toBe("pseudoGroup");
    expect(nodeKindOf("Channel")).toBe("channel");
    expect(nodeKindOf("Something")).toBe("unknown");
  });

  it("treats any presence as enabled and only Disabled as disabled", () => {
    for (const presence of ["Online", "Offline", "Busy", "Away", ""])
      expect(technicianStatusOf(presence)).toBe("enabled");
    expect(technicianStatusOf("Disabled")).toBe("disabled");
  });

  it("gives the root a null parent and groups a null email", () => {
    expect(rescueNodeOf({ nodeid: "1", parentid: "0", name: "Co", email: "", type: "Root", status: "" })).toEqual({
      id: 1,
      parentId: null,
      kind: "root",
      name: "Co",
      email: null,
      status: "enabled",
    });
    expect(rescueNodeOf({ name: "no id" })).toBeUndefined();
  });
});
