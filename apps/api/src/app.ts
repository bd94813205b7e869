// The API as a Fastify plugin tree (STYLE.md 5): server.ts boots it, tests inject() into it.
import Fastify, { type FastifyInstance } from "fastify";
import { healthRoutes, type ReadinessChecks } from "./routes/health";

export interface AppDeps {
  readiness: ReadinessChecks;
}

export interface AppOptions {
  logLevel?: string;
}

/** Paths whose values never reach a log line (DESIGN.md, security model). */
export const REDACTED_LOG_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "*.password",
  "*.serviceToken",
  "*.clientSecret",
  "*.defaultPassword",
];

export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel ?? "info", redact: { paths: REDACTED_LOG_PATHS, censor: "[redacted]" } },
    genReqId: () => crypto.randomUUID(),
  });
  // 500s say nothing beyond the request id (STYLE.md 6); typed errors get their own mapping as routes arrive.
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, "unhandled error");
    return reply.status(status).send({
      error: status >= 500 ? "internal_error" : "bad_request",
      message: status >= 500 ? "Something went wrong on our side." : error.message,
      requestId: request.id,
    });
  });
  await app.register(healthRoutes, { checks: deps.readiness });
  return app;
}
