// What the worker observes around one run's engine: back-offs (run log + metrics), the engine's clock, which
// Rescue create path was taken and what was learned about createUsers, and the calls and retries per system.
import type { PrismaClient } from "@techsync/db";
import type { RescueClient } from "@techsync/rescue";
import type { RunTelemetry } from "@techsync/runs";
import type { Clock, RunRecorder, RunReport } from "@techsync/sync-core";
import { rememberBulkCreate } from "./remember-bulk-create";
import type { AdapterSystem, TenantAdapters } from "./tenant-adapters";
import type { WorkerMetrics } from "./worker-metrics";

type BackoffSource = AdapterSystem | "engine";

const LABEL: Record<BackoffSource, string> = { entra: "Microsoft Graph", rescue: "LogMeIn Rescue", engine: "A sync" };
/** Back-offs logged one by one per source; past that, one summary line per this many more (long waits stay visible). */
const BACKOFF_LOG_LIMIT = 25;
const BACKOFF_SUMMARY_EVERY = 25;

export class RunTelemetryCollector {
  private readonly backoffs: Record<BackoffSource, { count: number; waitedMs: number }> = {
    entra: { count: 0, waitedMs: 0 },
    rescue: { count: 0, waitedMs: 0 },
    engine: { count: 0, waitedMs: 0 },
  };
  private readonly startedAt = Date.now();
  private rescueUsed: { client: RescueClient; email: string; region: string } | undefined;

  constructor(
    private readonly recorder: Pick<RunRecorder, "log">,
    private readonly metrics: WorkerMetrics,
  ) {}

  readonly noteBackoff = (source: BackoffSource, waitMs: number): void => {
    const tally = this.backoffs[source];
    tally.count += 1;
    tally.waitedMs += waitMs;
    this.metrics.apiErrors.inc({ system: source });
    const context = { system: source, waitMs: Math.round(waitMs) };
    if (tally.count <= BACKOFF_LOG_LIMIT) {
      this.recorder.log(
        "warn",
        `${LABEL[source]} call failed transiently; retrying in ${Math.round(waitMs)} ms`,
        context,
      );
    } else if ((tally.count - BACKOFF_LOG_LIMIT) % BACKOFF_SUMMARY_EVERY === 0) {
      this.recorder.log("warn", `${LABEL[source]} still failing transiently: ${tally.count} retries so far`, {
        ...context,
        retries: tally.count,
        waitedSeconds: Math.round(tally.waitedMs / 1000),
      });
    }
  };

  /** The engine's clock: its waits between retries are back-offs too. */
  readonly clock: Clock = {
    now: () => new Date(),
    sleep: (ms) => {
      this.noteBackoff("engine", ms);
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
  };

  watchRescue(client: RescueClient, connection: { email: string; region: string }): void {
    this.rescueUsed = { client, ...connection };
  }

  /** Which create path the run took (run log), and what it learned about createUsers, kept for the next run. */
  async settleCreatePath(prisma: PrismaClient, tenantId: string): Promise<void> {
    if (!this.rescueUsed) return;
    const { client } = this.rescueUsed;
    const createPath = client.describeCreatePath();
    if (createPath) {
      const stats = client.createPathStats();
      this.recorder.log("info", createPath, { bulkCreate: client.bulkCreateCapability, ...stats });
    }
    await rememberBulkCreate(prisma, { tenantId, ...this.rescueUsed }, client);
    this.rescueUsed = undefined;
  }

  /** After the engine: calls and retries in metrics and the run log, and the figures the run report keeps. */
  summarise(adapters: Pick<TenantAdapters, "directory" | "rescue">, report: RunReport): RunTelemetry {
    const { directory, rescue } = adapters;
    // One line per mapping, reason and kind (a count with examples), never one per skipped member.
    for (const skipped of report.skippedMembers) {
      const { mappingId, reason, kind, count } = skipped;
      this.recorder.log("info", skipped.message, { mappingId, reason, kind, count });
    }
    const calls = { entra: directory.callCount(), rescue: rescue.callCount(), rescueByMethod: rescue.callCounts() };
    this.metrics.apiCalls.inc({ system: "entra" }, calls.entra);
    this.metrics.apiCalls.inc({ system: "rescue" }, calls.rescue);
    this.metrics.apiErrors.inc({ system: "rescue" }, report.failures.length);
    const stats = directory.callStats();
    const retries = {
      graph: stats.retries,
      graphThrottled: stats.throttled,
      rescue: this.backoffs.rescue.count,
      engine: this.backoffs.engine.count,
    };
    if (this.backoffs.entra.count + retries.rescue + retries.engine > 0 || stats.throttled > 0) {
      this.recorder.log("info", "retries during the run", {
        graphRetries: retries.graph,
        graphThrottled: retries.graphThrottled,
        rescueBackoffs: retries.rescue,
        engineRetries: retries.engine,
        rescueCalls: calls.rescueByMethod,
      });
    }
    return { durationMs: this.elapsedMs(), calls, retries };
  }

  elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  observe(outcome: string): void {
    this.metrics.runs.inc({ outcome });
    if (outcome !== "interrupted") this.metrics.runDuration.observe({ outcome }, this.elapsedMs() / 1000);
  }
}
