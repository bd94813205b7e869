// Prometheus metrics of one API process (prom-client), on a registry of its own so tests can build many apps.
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface ApiMetrics {
  registry: Registry;
  requestDuration: Histogram<"method" | "route" | "status_code">;
  runsStarted: Counter<"trigger" | "dry_run">;
  errors: Counter<"code">;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requestDuration: new Histogram({
      name: "techsync_api_request_duration_seconds",
      help: "Duration of API requests by route and status.",
      labelNames: ["method", "route", "status_code"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    runsStarted: new Counter({
      name: "techsync_api_runs_started_total",
      help: "Sync runs created and enqueued through the API (not deduplicated ones).",
      labelNames: ["trigger", "dry_run"],
      registers: [registry],
    }),
    errors: new Counter({
      name: "techsync_api_errors_total",
      help: "Error replies by error code.",
      labelNames: ["code"],
      registers: [registry],
    }),
  };
}
