import type { FastifyPluginAsync } from "fastify";
import type { ApiMetrics } from "../../metrics";

/** Prometheus scrape endpoint: request durations, runs started, errors, process figures. */
export const metricsRoute: FastifyPluginAsync<{ metrics: ApiMetrics }> = async (app, { metrics }) => {
  app.get(
    "/metrics",
    { schema: { tags: ["operations"], summary: "Prometheus metrics" }, config: { rateLimit: false } },
    async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};
