// Faults a test or demo can switch on: slow calls, Graph-style throttling, outages, expiring delta tokens.

export interface GraphFaults {
  /** Added to every Graph call (not to token requests). */
  latencyMs?: number;
  /**
   * Like Graph's per app+tenant budget: after `limit` admitted requests in `windowMs` (default 10 s),
   * answer 429 with Retry-After; the budget refills once Retry-After has passed.
   */
  throttle?: { limit: number; windowMs?: number; retryAfterSeconds?: number; retryAfterAs?: "seconds" | "date" } | null;
  /** The next `count` Graph calls answer 503 (or 504), with Retry-After when given. */
  unavailable?: { count: number; status?: 503 | 504; retryAfterSeconds?: number } | null;
  /** Delta tokens older than this are refused. */
  deltaTokenTtlMs?: number | null;
  /** How an expired delta token is refused: 400 syncStateNotFound (default) or 410 Gone with Location. */
  deltaExpiry?: "syncStateNotFound" | "gone";
}

export interface GraphEmulatorStats {
  tokenRequests: number;
  graphRequests: number;
  throttled: number;
  unavailable: number;
  /**
   * Requests from an app while its budget was blocked (before the Retry-After sent had passed). With one
   * stream this means Retry-After was not honoured; with several, the others may simply not have been told yet.
   */
  requestsWhileBlocked: number;
  batchRequests: number;
}

export type FaultVerdict =
  | { kind: "pass" }
  | { kind: "throttled"; retryAfter: string }
  | { kind: "unavailable"; status: number; retryAfter: string | undefined };

interface ThrottleWindow {
  start: number;
  admitted: number;
  blockedUntil: number;
}

export function emptyStats(): GraphEmulatorStats {
  return {
    tokenRequests: 0,
    graphRequests: 0,
    throttled: 0,
    unavailable: 0,
    requestsWhileBlocked: 0,
    batchRequests: 0,
  };
}

export class FaultInjector {
  settings: GraphFaults = {};
  private windows = new Map<string, ThrottleWindow>();

  constructor(private readonly stats: GraphEmulatorStats) {}

  configure(settings: GraphFaults) {
    this.settings = { ...settings };
    this.windows.clear();
  }

  /** Decide the fate of one Graph call from app `budgetKey` (tenant + app, as Graph meters). */
  judge(budgetKey: string, now = Date.now()): FaultVerdict {
    const unavailable = this.settings.unavailable;
    if (unavailable && unavailable.count > 0) {
      unavailable.count -= 1;
      this.stats.unavailable += 1;
      return {
        kind: "unavailable",
        status: unavailable.status ?? 503,
        retryAfter: unavailable.retryAfterSeconds === undefined ? undefined : String(unavailable.retryAfterSeconds),
      };
    }
    const throttle = this.settings.throttle;
    if (!throttle) return { kind: "pass" };
    const windowMs = throttle.windowMs ?? 10_000;
    const retryAfterSeconds = throttle.retryAfterSeconds ?? 1;
    let window = this.windows.get(budgetKey);
    if (!window || (now >= window.blockedUntil && now - window.start >= windowMs)) {
      window = { start: now, admitted: 0, blockedUntil: 0 };
      this.windows.set(budgetKey, window);
    }
    if (now < window.blockedUntil) {
      this.stats.requestsWhileBlocked += 1;
      this.stats.throttled += 1;
      return { kind: "throttled", retryAfter: this.retryAfterValue(window.blockedUntil - now, throttle.retryAfterAs) };
    }
    if (window.admitted >= throttle.limit) {
      const blockedUntil = now + retryAfterSeconds * 1000;
      // The budget refills once Retry-After has passed, so a client that waits as told makes progress.
      this.windows.set(budgetKey, { start: blockedUntil, admitted: 0, blockedUntil });
      this.stats.throttled += 1;
      return { kind: "throttled", retryAfter: this.retryAfterValue(retryAfterSeconds * 1000, throttle.retryAfterAs) };
    }
    window.admitted += 1;
    return { kind: "pass" };
  }

  private retryAfterValue(waitMs: number, as: "seconds" | "date" | undefined): string {
    if (as === "date") return new Date(Date.now() + Math.ceil(waitMs / 1000) * 1000 + 1000).toUTCString();
    return String(Math.max(1, Math.ceil(waitMs / 1000)));
  }
}
