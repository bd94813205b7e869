// The worker's operator endpoints: /healthz for orchestrators, /metrics for Prometheus.
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

export interface OpsServerOptions {
  registry: Registry;
  /** True while the worker is connected and taking jobs. */
  isHealthy: () => boolean;
}

export function createOpsServer({ registry, isHealthy }: OpsServerOptions): Server {
  return createServer((req, res) => {
    if (req.url === "/healthz") {
      const ok = isHealthy();
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: ok ? "ok" : "unavailable" }));
      return;
    }
    if (req.url === "/metrics") {
      registry
        .metrics()
        .then((body) => {
          res.writeHead(200, { "content-type": registry.contentType });
          res.end(body);
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "not_found" }));
  });
}
