// The worker's Prometheus metrics: runs by outcome, run duration, calls and errors per
// system, queue depth. One registry per process, served at /metrics by the ops server.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface QueueDepthSource {
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

export interface WorkerMetrics {
  runs: Counter<"outcome">;
  runDuration: Histogram<"outcome">;
  apiCalls: Counter<"system">;
  apiErrors: Counter<"system">;
}

export function createWorkerMetrics(registry: Registry, queue?: QueueDepthSource): WorkerMetrics {
  if (queue) {
    new Gauge({
      name: "techsync_sync_queue_jobs",
      help: "Jobs in the sync queue by state",
      labelNames: ["state"],
      registers: [registry],
      async collect() {
        const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized", "failed");
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    });
  }
  return {
    runs: new Counter({
      name: "techsync_sync_runs_total",
      help: "Sync runs finished, by outcome (succeeded, partial, failed, blocked, cancelled, interrupted)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    runDuration: new Histogram({
      name: "techsync_sync_run_duration_seconds",
      help: "Wall time of a sync run",
      labelNames: ["outcome"],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    }),
    apiCalls: new Counter({
      name: "techsync_api_calls_total",
      help: "Calls to Microsoft Graph (entra) and LogMeIn Rescue (rescue) made by runs, retries included",
      labelNames: ["system"],
      registers: [registry],
    }),
    apiErrors: new Counter({
      name: "techsync_api_errors_total",
      help: "Failed calls by system (entra, rescue; engine = sync-core's retries around either): transient failures retried, and actions that failed",
      labelNames: ["system"],
      registers: [registry],
    }),
  };
}
