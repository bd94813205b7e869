import type { FastifyPluginAsync } from "fastify";

/** Each check resolves when its dependency answers, and rejects otherwise. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

const CHECK_TIMEOUT_MS = 2000;

async function runCheck(check: () => Promise<unknown>): Promise<"ok" | string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
      }),
    ]);
    return "ok";
  } catch (error) {
    return error instanceof Error ? error.message : "failed";
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsync<{ checks: ReadinessChecks }> = async (app, { checks }) => {
  /** The process is up. */
  app.get("/healthz", { config: { rateLimit: false } }, async () => ({ status: "ok" }));

  /** The process can serve: database and Redis answer. */
  app.get("/readyz", { config: { rateLimit: false } }, async (_request, reply) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => runCheck(checks[name]!)));
    const report = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const ready = results.every((r) => r === "ok");
    return reply.status(ready ? 200 : 503).send({ status: ready ? "ok" : "unavailable", checks: report });
  });
};
