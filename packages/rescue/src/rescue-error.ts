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

// Return codes of rescue-api.md §6. Codes marked [unconfirmed] there are matched by pattern below as well.
const MEANINGS: Record<string, CodeMeaning> = {
  ERROR: {
    message: "Rescue reported an unspecified failure",
    hint: "Usually transient (e.g. a timeout inside Rescue); it is retried automatically.",
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
    message: "The Master Account Holder's own Rescue account is deleted or disabled",
    hint: "Re-enable the Master Account Holder's account in the Rescue Admin Center, or connect with an active account.",
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
  INVALID_DELETE: { message: "Rescue refused the delete", hint: "Insufficient privileges." },
  INVALIDPARAM_NAME: {
    message: "Rescue refused the technician's name (empty or too long)",
    hint: "Give the user a display name in Entra ID, or shorten it.",
  },
  INVALIDPARAM_STATUS: { message: "Rescue refused the status value", hint: "A TechSync defect: report it." },
  INVALIDPARAM_MOBILEADDON: { message: "Rescue refused the mobile add-on flag", hint: "A TechSync defect: report it." },
  INVALIDPARAM_RPATADDON: { message: "Rescue refused the RPAT add-on flag", hint: "A TechSync defect: report it." },
  INVALIDPARAM_EMAIL: {
    message: "Rescue refused the email address as malformed",
    hint: "Fix the user's mail or user principal name in Entra ID.",
  },
  INVALIDPARAM_EMAIL_ALREADY_IN_USE: {
    message: "This email belongs to another Rescue user",
    hint: "Another Rescue user (possibly an administrator, whose email a technician may not reuse) already has this email: change one of them.",
  },
  INVALIDPARAM_MISSING_CURRENT_PASSWORD: {
    message: "Rescue needs the current password to edit this account",
    hint: "TechSync does not edit the Master Account Holder's own account; leave it out of the mapped groups.",
  },
  INVALIDPARAM_COMPANY: { message: "Rescue refused the company id", hint: "The company id must be digits." },
};

const PASSWORD: CodeMeaning = {
  message: "Rescue refused the default password under its password policy",
  hint: "Change the tenant's default password: at least 8 characters, no spaces, and the character classes your Rescue password policy asks for.",
};
const LICENCE: CodeMeaning = {
  message: "No free Rescue technician licence",
  hint: "Buy more licences or disable technicians who no longer need one.",
};

/** The meaning of a return code, tolerant of the unconfirmed plain-text spellings of password and licence codes. */
function meaningOf(code: string): CodeMeaning | undefined {
  const known = MEANINGS[code];
  if (known) return known;
  if (/PASSWORD|PWD/.test(code)) return PASSWORD;
  if (/LICEN[CS]E/.test(code)) return LICENCE;
  return undefined;
}

/** The typed error for a Rescue return code; unknown codes give a non-retryable error carrying the raw code. */
export function rescueErrorForCode(code: string, method: string): RescueError {
  const meaning = meaningOf(code);
  if (!meaning) {
    return new RescueError(`Rescue ${method} answered ${code || "(an empty reply)"}`, {
      code: code || "EMPTY_REPLY",
      method,
      hint: "An answer TechSync does not know; report it with this code.",
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

export function transportError(method: string, cause: unknown, timeoutMs: number): RescueError {
  // Duck-typed: the DOMException of an aborted fetch may come from another realm (e.g. a test VM).
  const name = typeof cause === "object" && cause !== null ? (cause as { name?: unknown }).name : undefined;
  const timedOut = name === "TimeoutError" || name === "AbortError";
  return new RescueError(
    timedOut ? `Rescue ${method} did not answer within ${timeoutMs} ms` : `Could not reach Rescue for ${method}`,
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
      { code: "INVALID_SECRETAUTHCODE", method: "login", hint: MEANINGS.INVALID_SECRETAUTHCODE!.hint },
    );
  }
  return new RescueError(`Rescue refused the login endpoint (login answered ${answer})`, {
    code: "LOGIN_DENIED",
    method: "login",
    hint: "Your organisation denies the login endpoint (Global Settings › Generate API token). TechSync needs only the API token: remove the password from the connection, or allow the endpoint.",
  });
}
