// Liveness and readiness, for orchestrators and load balancers (docs/operations.md). Neither is rate limited,
// and liveness needs nothing but the process: a Redis or PostgreSQL outage makes the API unready, not dead.
import type { FastifyPluginAsync } from "fastify";

/** Each check resolves when its dependency answers, and rejects otherwise. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

const CHECK_TIMEOUT_MS = 2000;

/** null when the dependency answered in time; why not otherwise. */
async function failureOf(check: () => Promise<unknown>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : "failed";
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsync<{ checks: ReadinessChecks }> = async (app, { checks }) => {
  /** The process is up: it answers without asking PostgreSQL or Redis. */
  app.get("/healthz", { config: { rateLimit: false } }, async () => ({ status: "ok" }));

  /**
   * The process can serve: 200 when every dependency answers; 503 naming each one "ok" or "down" otherwise
   * (why is logged, not answered: the reply is public).
   */
  app.get("/readyz", { config: { rateLimit: false } }, async (request, reply) => {
    const names = Object.keys(checks);
    const failures = await Promise.all(names.map((name) => failureOf(checks[name]!)));
    const report = Object.fromEntries(names.map((name, i) => [name, failures[i] === null ? "ok" : "down"]));
    const down = Object.fromEntries(names.flatMap((name, i) => (failures[i] === null ? [] : [[name, failures[i]]])));
    const ready = failures.every((failure) => failure === null);
    if (!ready) request.log.warn({ down }, "not ready");
    return reply.status(ready ? 200 : 503).send({ status: ready ? "ok" : "unavailable", checks: report });
  });
};
