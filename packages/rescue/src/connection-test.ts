// "Test connection": each credential is checked on its own, and the answer says which one failed, in words a Rescue
// administrator can act on. A connection is "Connected" only when every credential given is right.
import type { RescueNodeKind } from "@techsync/sync-core";
import { RescueError } from "./rescue-error";

export interface RescueAccountSummary {
  accountId: number;
  organization: string;
  adminId: number;
  techId: number;
  email: string;
}

export type RescueConnectionResult =
  | "connected"
  | "token_missing"
  | "token_invalid"
  | "account_disabled"
  | "email_mismatch"
  | "not_administrator"
  | "password_invalid"
  | "login_limit_reached"
  | "login_endpoint_denied"
  | "login_unavailable"
  | "unreachable";

export interface RescueCredentialCheck {
  credential: "apiToken" | "email" | "password";
  outcome: "passed" | "failed" | "skipped";
  message: string;
}

export interface RescueConnectionTest {
  ok: boolean;
  /** The first failure (token, then email, then administrator rights, then password), or "connected". */
  result: RescueConnectionResult;
  message: string;
  checks: RescueCredentialCheck[];
  account?: RescueAccountSummary;
  /** Whether the token's user is a Master Administrator (createUsers needs one); null when it could not be read. */
  masterAdministrator: boolean | null;
  warnings: string[];
}

export interface ConnectionTestDeps {
  email: string;
  hasApiToken: boolean;
  hasPassword: boolean;
  /** getAccount with the API token as authcode only: no login fallback, no retry. */
  getAccountWithToken(): Promise<{ httpStatus: number; code: string | undefined; account: RescueAccountSummary }>;
  /** The caller's user type (getUser_v3). */
  getCallerType(account: RescueAccountSummary): Promise<RescueNodeKind | undefined>;
  /** One `login` with the configured email and password. */
  tryLogin(): Promise<{ httpStatus: number; code: string | undefined }>;
}

export type LoginVerdict = "ok" | "invalid" | "limit" | "disabled" | "error" | "denied" | "http";

/**
 * How to read a `login` answer. Its documented codes are OK, ERROR, INVALID and LIMITREACHED; what a denied login
 * endpoint answers is undocumented, so an unknown code, HTTP 403/404 or a page that is not plain text means "denied".
 */
export function loginVerdictOf(httpStatus: number, code: string | undefined): LoginVerdict {
  if (httpStatus === 403 || httpStatus === 404) return "denied";
  if (code === undefined) return "http";
  switch (code) {
    case "OK":
      return "ok";
    case "INVALID":
      return "invalid";
    case "LIMITREACHED":
      return "limit";
    case "USER_DELETED_OR_DISABLED":
      return "disabled";
    case "ERROR":
      return "error";
    default:
      return "denied";
  }
}

const WHERE_THE_TOKEN_IS =
  "In the Rescue Admin Center, open Global Settings › Generate API token, click Generate and Copy, and paste the token here (it is shown once; the Active Directory Synchronization service token is a different one).";

interface Failure {
  result: RescueConnectionResult;
  message: string;
}

export async function runConnectionTest(deps: ConnectionTestDeps): Promise<RescueConnectionTest> {
  const checks: RescueCredentialCheck[] = [];
  const failures: Failure[] = [];
  const warnings: string[] = [];
  let account: RescueAccountSummary | undefined;
  let masterAdministrator: boolean | null = null;
  const fail = (credential: RescueCredentialCheck["credential"], failure: Failure) => {
    checks.push({ credential, outcome: "failed", message: failure.message });
    failures.push(failure);
  };

  // 1. The API token: getAccount with it as authcode.
  if (!deps.hasApiToken) {
    fail("apiToken", { result: "token_missing", message: `No API token is set. ${WHERE_THE_TOKEN_IS}` });
  } else {
    let answer: Awaited<ReturnType<ConnectionTestDeps["getAccountWithToken"]>>;
    try {
      answer = await deps.getAccountWithToken();
    } catch (error) {
      return unreachable(error instanceof RescueError ? error.message : "Could not reach Rescue");
    }
    if (answer.code === undefined || answer.code === "") {
      return unreachable(
        `Rescue's API did not answer at this address (HTTP ${answer.httpStatus}${answer.code === "" ? ", not Rescue's plain-text reply" : ""})`,
      );
    }
    if (answer.code === "OK") {
      account = answer.account;
      checks.push({
        credential: "apiToken",
        outcome: "passed",
        message: `Rescue accepted the API token (organisation “${account.organization}”).`,
      });
    } else if (answer.code === "USER_DELETED_OR_DISABLED") {
      fail("apiToken", {
        result: "account_disabled",
        message:
          "The Rescue user who generated the API token is deleted or disabled: re-enable them, or generate a token as an active Master Administrator.",
      });
    } else {
      fail("apiToken", {
        result: "token_invalid",
        message: `Rescue refused the API token (${answer.code}): it is wrong, or it was regenerated since. ${WHERE_THE_TOKEN_IS}`,
      });
    }
  }

  // 2. The email: the token's own user, compared case-insensitively.
  if (!account) {
    checks.push({ credential: "email", outcome: "skipped", message: "Checked once the API token works." });
  } else if (account.email.trim().toLowerCase() !== deps.email.trim().toLowerCase()) {
    fail("email", {
      result: "email_mismatch",
      message: `The API token belongs to ${account.email}, not the email you entered (${deps.email}): enter that email, or generate the token while signed in as ${deps.email}.`,
    });
  } else {
    checks.push({ credential: "email", outcome: "passed", message: `The API token belongs to ${account.email}.` });
  }
  if (account) {
    if (account.adminId === 0) {
      failures.push({
        result: "not_administrator",
        message: `${account.email} is not a Rescue administrator, so it cannot manage technicians: use a Master Administrator's token.`,
      });
    } else {
      const kind = await deps.getCallerType(account).catch(() => undefined);
      masterAdministrator = kind === undefined ? null : kind === "masterAdministrator";
      if (masterAdministrator === false) {
        warnings.push(
          `${account.email} is an administrator but not a Master Administrator: Rescue's bulk creation needs one, so TechSync creates technicians one by one.`,
        );
      }
    }
  }

  // 3. The password: optional, and checked only when given.
  if (!deps.hasPassword) {
    checks.push({
      credential: "password",
      outcome: "skipped",
      message: "No password set: none is needed, TechSync works with the API token.",
    });
  } else {
    let verdict: LoginVerdict;
    try {
      const answer = await deps.tryLogin();
      verdict = loginVerdictOf(answer.httpStatus, answer.code);
    } catch {
      verdict = "http";
    }
    const emailConfirmed = checks.some((check) => check.credential === "email" && check.outcome === "passed");
    const failure = passwordFailure(verdict, deps.email, emailConfirmed);
    if (failure) fail("password", failure);
    else {
      checks.push({
        credential: "password",
        outcome: "passed",
        message: "The password is right; TechSync uses it only if Rescue ever refuses the API token.",
      });
    }
  }

  const first = failures[0];
  if (!first) {
    return {
      ok: true,
      result: "connected",
      message: `Connected to the Rescue organisation “${account!.organization}” (account ${account!.accountId}) as ${account!.email}${masterAdministrator ? ", a Master Administrator" : ""}.`,
      checks,
      ...(account ? { account } : {}),
      masterAdministrator,
      warnings,
    };
  }
  return {
    ok: false,
    result: first.result,
    message: failures.map((f) => f.message).join(" "),
    checks,
    ...(account ? { account } : {}),
    masterAdministrator,
    warnings,
  };

  function unreachable(reason: string): RescueConnectionTest {
    return {
      ok: false,
      result: "unreachable",
      message: `${reason}. Check the Rescue region (API address) of the connection and Rescue's status page.`,
      checks: [{ credential: "apiToken", outcome: "failed", message: reason }],
      masterAdministrator: null,
      warnings: [],
    };
  }
}

function passwordFailure(verdict: LoginVerdict, email: string, emailConfirmed: boolean): Failure | undefined {
  switch (verdict) {
    case "ok":
      return undefined;
    case "invalid":
      return {
        result: "password_invalid",
        message: emailConfirmed
          ? `Rescue refused the password for ${email}: it is wrong. The password is optional; correct it or remove it.`
          : `Rescue refused the email or the password (${email}). The password is optional; correct it or remove it.`,
      };
    case "limit":
      return {
        result: "login_limit_reached",
        message: "Rescue allows 10 logins in 3 minutes and this account used them up: try the test again in 3 minutes.",
      };
    case "denied":
      return {
        result: "login_endpoint_denied",
        message:
          "Your organisation denies the login endpoint (Global Settings › Generate API token › Deny access to the login endpoint), so the password cannot be used and is not needed: remove it from the connection, or allow the endpoint.",
      };
    case "disabled":
      return {
        result: "account_disabled",
        message: `Rescue says ${email} is deleted or disabled.`,
      };
    default:
      return {
        result: "login_unavailable",
        message: "Rescue could not check the password right now (login failed without a reason): try again later.",
      };
  }
}
