// The chaos suite's sizes and timings, from the environment (docs/chaos.md lists them).

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, not "${raw}"`);
  return value;
}

const users = positiveInt("CHAOS_USERS", 200);

export const chaosSettings = {
  /** Users in the tenant under test (the full size is 10,000). */
  users,
  /** How long an outage lasts (Postgres down in scenario 1, Redis down in scenario 5, failing creates in 8). */
  outageMs: positiveInt("CHAOS_OUTAGE_MS", 8000),
  /**
   * Scenario 1's second outage: longer than the queue's own retries of a failed job (3 attempts, 10 s then 20 s
   * apart), as an outage of a minute is.
   */
  longOutageMs: positiveInt("CHAOS_LONG_OUTAGE_MS", 40_000),
  /**
   * How long the tenant may take to sync again once the cause ended, before the scenario fails. The product's
   * goal is 2 minutes with its default timers; the suite runs the worker with short ones (below), so a much
   * shorter bound applies, plus the time a run of this size takes.
   */
  boundMs: positiveInt("CHAOS_BOUND_MS", 45_000 + 10 * users),
  /** Added to every call of the tenant's Rescue emulator, so a run is still going when the cause strikes. */
  rescueLatencyMs: positiveInt("CHAOS_RESCUE_LATENCY_MS", 100),
  /** The worker's own timers, short so that each scenario takes well under a minute. */
  worker: {
    RUN_LEASE_MS: "4000",
    REAPER_INTERVAL_MS: "2000",
    SCHEDULE_RECONCILE_MS: "3000",
    WORKER_LOCK_DURATION_MS: "4000",
    WORKER_STALLED_INTERVAL_MS: "2000",
  },
  /** Where each child process's output is written (one file per process and scenario). */
  logDir: process.env.CHAOS_LOG_DIR,
  /** A file each scenario appends its result to as one JSON line (besides the `chaos:` line on stdout). */
  reportFile: process.env.CHAOS_REPORT_FILE,
};

/** A jest timeout for one scenario: setup, the outage and a few bounded waits, never a hang. */
export function scenarioTimeoutMs(boundedWaits = 4): number {
  return 120_000 + chaosSettings.outageMs + boundedWaits * chaosSettings.boundMs;
}
