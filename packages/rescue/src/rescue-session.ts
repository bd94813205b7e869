import type { Clock } from "@techsync/sync-core";
import { RescueError } from "./rescue-error";

/** Rescue ends a login session after 20 idle minutes (docs/rescue-api.md); renew a little before that. */
export const SESSION_IDLE_RENEW_MS = 19 * 60_000;
/** At most 10 logins per 3 minutes, else LIMITREACHED. */
export const LOGIN_LIMIT = { max: 10, windowMs: 3 * 60_000 };

export interface SessionOptions {
  /** The "Generate API token" value, sent as `authcode`. */
  apiToken: string | undefined;
  /** A password is configured, so a `login` session is possible (while the organisation allows the endpoint). */
  canLogin: boolean;
  clock: Clock;
  idleRenewMs?: number;
  loginLimit?: { max: number; windowMs: number };
  /** Longest we wait for a login slot before failing the call as retryable (the engine retries later). */
  maxLoginWaitMs?: number;
  /** Performs the `login` call and returns the session cookie. */
  login: () => Promise<string>;
  /** Why no login may be tried at all (the organisation denies the endpoint): thrown before any pacing. */
  loginBlocked?: () => Error | undefined;
}

/**
 * How calls authenticate. The API token goes as `authcode` while Rescue accepts it; when Rescue answers
 * INVALID_SECRETAUTHCODE and a password is configured we switch to a `login` cookie session (the client stops
 * logging in for good once the organisation turns out to deny the login endpoint). Never `requestAuthCode`: that
 * would replace the customer's token and break their other integrations.
 */
export class RescueSession {
  private mode: "authcode" | "session";
  private cookie: string | undefined;
  private lastUsedAt = 0;
  private pendingLogin: Promise<string> | undefined;
  private readonly loginTimes: number[] = [];
  private logins = 0;

  constructor(private readonly options: SessionOptions) {
    this.mode = options.apiToken ? "authcode" : "session";
  }

  get authMode(): "authcode" | "session" {
    return this.mode;
  }

  loginCount(): number {
    return this.logins;
  }

  /** The credentials for one call: `authcode`, or a session cookie (logging in first when needed). */
  async credentials(): Promise<{ authcode?: string; cookie?: string }> {
    if (this.mode === "authcode") return { authcode: this.options.apiToken! };
    const now = this.options.clock.now().getTime();
    if (!this.cookie || now - this.lastUsedAt >= (this.options.idleRenewMs ?? SESSION_IDLE_RENEW_MS)) {
      this.cookie = undefined;
      await this.login();
    }
    this.lastUsedAt = this.options.clock.now().getTime();
    return { cookie: this.cookie! };
  }

  /** The token was refused: fall back to a login session when we have a password. Returns whether it did. */
  fallBackToLogin(): boolean {
    if (this.mode !== "authcode" || !this.options.canLogin) return false;
    this.mode = "session";
    return true;
  }

  /** NOTLOGGEDIN for the cookie a call used: forget it so the next call logs in (unless another call already did). */
  expire(cookie: string | undefined): void {
    if (this.cookie === cookie) this.cookie = undefined;
  }

  /** Force a fresh login (sync-core's renewSession); a no-op with an authcode, which never times out. */
  async renew(): Promise<void> {
    if (this.mode === "authcode") return;
    this.cookie = undefined;
    await this.login();
  }

  /** Single flight: concurrent calls that find no session share one login. */
  private async login(): Promise<void> {
    const blocked = this.options.loginBlocked?.();
    if (blocked) throw blocked;
    if (!this.pendingLogin) {
      this.pendingLogin = this.paceAndLogin().finally(() => {
        this.pendingLogin = undefined;
      });
    }
    this.cookie = await this.pendingLogin;
    this.lastUsedAt = this.options.clock.now().getTime();
  }

  private async paceAndLogin(): Promise<string> {
    const { max, windowMs } = this.options.loginLimit ?? LOGIN_LIMIT;
    const now = this.options.clock.now().getTime();
    while (this.loginTimes.length > 0 && now - this.loginTimes[0]! >= windowMs) this.loginTimes.shift();
    if (this.loginTimes.length >= max) {
      const waitMs = this.loginTimes[0]! + windowMs - now;
      if (waitMs > (this.options.maxLoginWaitMs ?? windowMs)) {
        throw new RescueError(`TechSync paused Rescue logins: ${max} in the last ${windowMs / 1000} s`, {
          code: "LOGIN_PACED",
          method: "login",
          retryable: true,
          retryAfterMs: waitMs,
          hint: "Rescue allows 10 logins in 3 minutes; sessions keep expiring, so check for another tool using this account.",
        });
      }
      await this.options.clock.sleep(waitMs);
      this.loginTimes.shift();
    }
    this.loginTimes.push(this.options.clock.now().getTime());
    this.logins += 1;
    return this.options.login();
  }
}
