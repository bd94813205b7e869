import { SyncPortError } from "@techsync/sync-core";

/** A failed Rescue call. `code` is the Rescue return code (or TRANSPORT / TIMEOUT / HTTP_<status>). */
export class RescueError extends SyncPortError {
  /** The API method that failed, e.g. `setUser_v2`. */
  readonly method: string;

  constructor(message: string, options: ConstructorParameters<typeof SyncPortError>[1] & { method: string }) {
    super(message, options);
    this.name = "RescueError";
    this.method = options.method;
  }
}

interface CodeMeaning {
  message: string;
  hint: string;
  retryable?: boolean;
  retryAfterMs?: number;
  sessionExpired?: boolean;
}

/**
 * Every return code the Rescue API documentation names (docs/rescue-api.md, "Return codes"), in plain words. No
 * code here is invented: a code that is not in this table is UNKNOWN and handled by the unknown-code rule below.
 */
export const RESCUE_RETURN_CODES: Readonly<Record<string, CodeMeaning>> = {
  ERROR: {
    message: "Rescue reported an unspecified failure",
    hint: "Rescue documents this as a transient failure (e.g. a timeout inside Rescue); it is retried automatically.",
    retryable: true,
  },
  NOTLOGGEDIN: {
    message: "The Rescue session expired or is missing",
    hint: "TechSync logs in again by itself; if this persists, check the Master Account Holder's login.",
    sessionExpired: true,
  },
  NOTLOGGEDINASADMIN: {
    message: "The Rescue account is not logged in as an administrator",
    hint: "Use the Master Account Holder's credentials in the Rescue connection.",
  },
  INVALID: {
    message: "Rescue refused the Master Account Holder's email or password",
    hint: "Check the email and password of the Rescue connection (the Master Account Holder's own login).",
  },
  LIMITREACHED: {
    message: "Rescue refused the login: more than 10 logins in 3 minutes",
    hint: "Wait three minutes; TechSync paces its logins, so another tool may be logging in with the same account.",
    retryable: true,
    // The window is 3 minutes: retrying within seconds would only extend it.
    retryAfterMs: 60_000,
  },
  INVALID_SECRETAUTHCODE: {
    message: "Rescue refused the API token",
    hint: "The API token is wrong or was regenerated: in the Rescue Admin Center, Global Settings › Generate API token, generate a new one and paste it into the Rescue connection (not the Active Directory Synchronization service token).",
  },
  USER_DELETED_OR_DISABLED: {
    message: "The connecting Rescue account is deleted or disabled",
    hint: "Re-enable that account in the Rescue Admin Center, or connect with an active Master Administrator.",
  },
  INVALIDPARAM_NODE: {
    message: "Rescue has no such node, or it is of the wrong kind",
    hint: "The technician or group may have been deleted in the Admin Center; the next run re-reads the tree.",
  },
  INVALIDPARAM_PARENT: {
    message: "Rescue refused the parent group",
    hint: "Technicians can only be created in a Technician Group (not the root Technicians category); check the mapping's Rescue group.",
  },
  INVALIDPARAM_TARGETNODE: { message: "Rescue refused the target node", hint: "Choose an existing Technician Group." },
  INVALID_MOVE: { message: "Rescue refused the move", hint: "Technicians can only be in Technician Groups." },
  INVALID_DELETE: {
    message: "Rescue refused the delete",
    hint: "Insufficient privileges, or an administrator deleting their own account.",
  },
  INVALIDPARAM_NAME: {
    message: "Rescue refused the technician's name (empty or too long)",
    hint: "Give the user a display name in Entra ID, or shorten it.",
  },
  INVALIDPARAM_STATUS: { message: "Rescue refused the status value", hint: "A TechSync defect: report it." },
  INVALIDPARAM_MOBILEADDON: { message: "Rescue refused the mobile add-on flag", hint: "A TechSync defect: report it." },
  INVALIDPARAM_RPATADDON: { message: "Rescue refused the RPAT add-on flag", hint: "A TechSync defect: report it." },
  INVALIDPARAM_EMAIL: {
    message: "Rescue refused the email address",
    hint: "Rescue documents this for a malformed email: fix the user's mail or user principal name in Entra ID.",
  },
  INVALIDPARAM_EMAIL_ALREADY_IN_USE: {
    message: "This email belongs to another Rescue user",
    hint: "Another Rescue user (possibly an administrator, whose email a technician may not reuse) already has this email: change one of them.",
  },
  INVALIDPARAM_MISSING_CURRENT_PASSWORD: {
    message: "Rescue needs the current password to edit this account",
    hint: "TechSync does not edit a Master Administrator's own account; leave it out of the mapped groups.",
  },
  INVALIDPARAM_COMPANY: { message: "Rescue refused the company id", hint: "The company id must be digits." },
  INVALID_EMAILANDNODEIDBOTHSPECIFIED: {
    message: "Rescue refused a lookup by both email and node id",
    hint: "A TechSync defect: report it.",
  },
  INVALIDPASSWORD: {
    message: "Rescue refused the single sign-on password",
    hint: "Check the master SSO password in Rescue's Global Settings.",
  },
  INVALIDCOMPANYID: {
    message: "Rescue refused the company id",
    hint: "Check the company id shown in Rescue's single sign-on settings.",
  },
  MISSINGPARAMETERS: { message: "Rescue says parameters are missing", hint: "A TechSync defect: report it." },
};

/**
 * Password-policy refusals. Their SOAP names are documented (`…_InvalidParam_Password_Cannot_Contain_Whitespace_
 * Characters`, `…_Has_To_Be_At_Least_8_Characters_Long`, a third cut off after `…_Has_To_Co`); the plain-text
 * spelling is unconfirmed, so the documented family is matched by its prefix.
 */
const PASSWORD_PREFIX = "INVALIDPARAM_PASSWORD_";
const PASSWORD: CodeMeaning = {
  message: "Rescue refused the default password under its password policy",
  hint: "Change the tenant's default password: at least 8 characters, no spaces, and the character classes your Rescue password policy asks for.",
};

/** The documented meaning of a return code, or undefined for a code Rescue's documentation does not name. */
export function meaningOfReturnCode(code: string): CodeMeaning | undefined {
  const known = RESCUE_RETURN_CODES[code];
  if (known) return known;
  if (code.startsWith(PASSWORD_PREFIX)) return PASSWORD;
  return undefined;
}

/** Codes TechSync did not expect: the raw code, verbatim, and where to look. */
export const UNKNOWN_CODE_HINT =
  "Rescue's documentation does not name this code, so TechSync does not guess what it means. The raw reply is in the run's sync log. The action is not retried automatically: it is held until the user's data, target group or status changes.";

/**
 * The typed error for a Rescue return code. A code the documentation does not name is never retried (a retry
 * cannot fix what we do not understand) and is marked `holdUntilInputChanges`, so later runs hold that action
 * until what it would write changes, instead of trying it again on every run forever.
 */
export function rescueErrorForCode(code: string, method: string): RescueError {
  if (code === "") {
    // No code at all (an empty body, another service's JSON, a proxy's page) is not the plain-text protocol and
    // not a refusal: retried, never held, and its content is never repeated.
    return new RescueError(`Rescue ${method} answered with something that is not a Rescue API reply`, {
      code: "NOT_A_RESCUE_REPLY",
      method,
      retryable: true,
      hint: "Retried automatically; Rescue may be down for maintenance. If it persists, check the connection's region.",
    });
  }
  const meaning = meaningOfReturnCode(code);
  if (!meaning) {
    return new RescueError(`Rescue ${method} answered ${code}, a code TechSync does not know`, {
      code,
      method,
      hint: UNKNOWN_CODE_HINT,
      holdUntilInputChanges: true,
    });
  }
  return new RescueError(`${meaning.message} (${method}: ${code})`, {
    code,
    method,
    hint: meaning.hint,
    retryable: meaning.retryable ?? false,
    ...(meaning.retryAfterMs !== undefined ? { retryAfterMs: meaning.retryAfterMs } : {}),
    sessionExpired: meaning.sessionExpired ?? false,
  });
}

/** An HTML page where a plain-text reply belongs: a wrong base URL, a proxy, or a method Rescue does not serve. */
export function htmlReplyError(method: string, httpStatus: number): RescueError {
  return new RescueError(`Rescue ${method} answered an HTML page (HTTP ${httpStatus}), not an API reply`, {
    code: "HTML_REPLY",
    method,
    hint: "Check the Rescue API host of the connection; Rescue serves its login page for a method it does not know.",
  });
}

/**
 * A data reply TechSync cannot read without guessing (a free-text value that contains key names in a way no other
 * reply settles). Nothing is written on the strength of such a reply. Not held: the fix is made in Rescue (an
 * administrator edits the text), which no Entra input reflects, and each later run costs one read.
 */
export function unreadableReplyError(method: string, detail: string): RescueError {
  return new RescueError(`Rescue ${method} answered a reply TechSync cannot read unambiguously: ${detail}`, {
    code: "UNREADABLE_REPLY",
    method,
    hint: "Nothing was written. Remove text that looks like a Rescue field (for example 'STATUS:') from the technician's name, nick, SSO id or description in the Admin Center.",
  });
}

export function transportError(method: string, cause: unknown, timeoutMs: number): RescueError {
  // Duck-typed: the DOMException of an aborted fetch may come from another realm (e.g. a test VM).
  const name = typeof cause === "object" && cause !== null ? (cause as { name?: unknown }).name : undefined;
  const timedOut = name === "TimeoutError" || name === "AbortError";
  return new RescueError(
    timedOut ? `Rescue ${method} did not answer within ${timeoutMs} ms` : "Could not reach Rescue",
    {
      code: timedOut ? "TIMEOUT" : "TRANSPORT",
      method,
      retryable: true,
      hint: "Retried automatically; if it persists, check the Rescue API base URL and Rescue's status page.",
      cause,
    },
  );
}

export function httpError(method: string, status: number, retryAfterMs: number | undefined): RescueError {
  const retryable = status === 429 || status >= 500;
  return new RescueError(`Rescue ${method} answered HTTP ${status}`, {
    code: `HTTP_${status}`,
    method,
    retryable,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    hint: retryable
      ? "Rescue is busy or unavailable; retried automatically."
      : "Check the Rescue API base URL of the connection.",
  });
}

/** Thrown before any call when the tenant's default password cannot pass Rescue's policy (rule 2). */
export function passwordPolicyError(reason: string): RescueError {
  return new RescueError(`The tenant's default password ${reason}`, {
    code: "DEFAULT_PASSWORD_POLICY",
    method: "createTechnicians",
    hint: PASSWORD.hint,
  });
}

/**
 * The organisation ticked "Deny access to the login endpoint" (Global Settings). Its reply is undocumented: any answer
 * to `login` that is not one of its documented codes is read as this. When the login was only a fallback for a
 * refused API token, the token is what to fix, so that is what the error says.
 */
export function loginDeniedError(answer: string, afterTokenRefused: boolean): RescueError {
  if (afterTokenRefused) {
    return new RescueError(
      `Rescue refused the API token, and your organisation denies the login endpoint, so there is no fallback (login answered ${answer})`,
      { code: "INVALID_SECRETAUTHCODE", method: "login", hint: RESCUE_RETURN_CODES.INVALID_SECRETAUTHCODE!.hint },
    );
  }
  return new RescueError(`Rescue refused the login endpoint (login answered ${answer})`, {
    code: "LOGIN_DENIED",
    method: "login",
    hint: "Your organisation denies the login endpoint (Global Settings › Generate API token). TechSync needs only the API token: remove the password from the connection, or allow the endpoint.",
  });
}
