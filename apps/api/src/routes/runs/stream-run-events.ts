import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { notFound } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { runView, SETTLED_RUN_STATUSES } from "./run-view";
import { ZRunParams } from "./runs.types";

/** What the stream needs to say: a progress event per change, an end event once the run settles. */
export interface RunEventSink {
  send(event: "progress" | "end", data: string): void;
  /** A comment line that keeps idle proxies from closing the stream; clients ignore it. */
  heartbeat(): void;
  /** Resolves when the client goes away. */
  closed: Promise<void>;
}

/** An SSE comment every this often while a stream is open (proxies commonly drop connections idle for 30-60 s). */
export const DEFAULT_RUN_EVENTS_HEARTBEAT_MS = 15_000;

/** At most one re-read of the run per stream this often, however many notifications a burst of writes sends. */
export const RUN_EVENTS_COALESCE_MS = 250;

/**
 * Reads the run and pushes it whenever it changed, until it settles or the client leaves. Postgres is the one
 * source: a notification from `deps.runEvents` (a write announced on the run events channel) only says when to
 * read again. While no notification can come (no listener, or its connection is down) the stream re-reads every
 * `runEventsPollMs` instead, so nothing freezes.
 */
export async function streamRunEvents(
  deps: Pick<ApiDeps, "prisma" | "runEvents" | "runEventsPollMs" | "runEventsHeartbeatMs">,
  tenantId: string,
  runId: string,
  sink: RunEventSink,
): Promise<void> {
  const wakeUp = new WakeUp();
  let open = true;
  void sink.closed.then(() => {
    open = false;
    wakeUp.wake();
  });
  const unsubscribe = deps.runEvents?.subscribe(runId, () => wakeUp.wake()) ?? (() => {});
  const heartbeat = setInterval(() => sink.heartbeat(), deps.runEventsHeartbeatMs ?? DEFAULT_RUN_EVENTS_HEARTBEAT_MS);
  try {
    await pushChanges(deps, tenantId, runId, sink, () => open, wakeUp);
  } finally {
    unsubscribe();
    clearInterval(heartbeat);
  }
}

async function pushChanges(
  deps: Pick<ApiDeps, "prisma" | "runEvents" | "runEventsPollMs">,
  tenantId: string,
  runId: string,
  sink: RunEventSink,
  isOpen: () => boolean,
  wakeUp: WakeUp,
): Promise<void> {
  let last = "";
  while (isOpen()) {
    // A notification that arrives while the row is being read asks for the next read.
    wakeUp.reset();
    const readAt = Date.now();
    const run = await deps.prisma.syncRun.findFirst({ where: { id: runId, tenantId } });
    if (!run) break;
    const data = JSON.stringify(runView(run));
    if (data !== last) {
      sink.send("progress", data);
      last = data;
    }
    if (SETTLED_RUN_STATUSES.includes(run.status)) {
      sink.send("end", data);
      break;
    }
    const notified = await wakeUp.wait(deps.runEvents?.connected ? undefined : deps.runEventsPollMs);
    if (notified && isOpen()) {
      await pause(readAt + RUN_EVENTS_COALESCE_MS - Date.now(), sink.closed);
    }
  }
}

/** A flag set by notifications, and a wait that ends when it is set (or after a timeout, when given one). */
class WakeUp {
  private woken = false;
  private resolve: (() => void) | undefined;

  wake(): void {
    this.woken = true;
    this.resolve?.();
  }

  reset(): void {
    this.woken = false;
  }

  /** Resolves true when woken, false when the timeout passed first. */
  async wait(timeoutMs: number | undefined): Promise<boolean> {
    if (this.woken) return true;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.resolve = resolve;
      if (timeoutMs !== undefined) timer = setTimeout(resolve, timeoutMs);
    });
    clearTimeout(timer);
    this.resolve = undefined;
    return this.woken;
  }
}

/** Waits `ms`, or less if `until` settles first; leaves no timer behind. */
async function pause(ms: number, until: Promise<void>): Promise<void> {
  if (ms <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), until]);
  clearTimeout(timer);
}

export const streamRunEventsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  // Open streams end when the server shuts down; otherwise close() would wait for every run to settle.
  const openStreams = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const end of openStreams) end();
  });
  app.get(
    "/v1/tenants/:tenantId/runs/:runId/events",
    {
      schema: {
        tags: ["runs"],
        summary: "Live progress of a run as Server-Sent Events (event: progress, then event: end)",
        params: ZRunParams,
        response: {
          200: z
            .string()
            .describe("text/event-stream: `event: progress` with the run JSON, `event: end` when it settles"),
          ...AUTHENTICATED_ERRORS,
        },
      },
      config: { access: { tenant: "read" } },
    },
    async (request, reply) => {
      const { tenantId, runId } = request.params;
      // Answer 404 as JSON before the stream starts.
      const exists = await deps.prisma.syncRun.findFirst({ where: { id: runId, tenantId }, select: { id: true } });
      if (!exists) throw notFound("The run");
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      let end = () => {};
      const closed = new Promise<void>((resolve) => {
        end = resolve;
        request.raw.once("close", () => resolve());
      });
      openStreams.add(end);
      try {
        await streamRunEvents(deps, tenantId, runId, {
          send: (event, data) => raw.write(`event: ${event}\ndata: ${data}\n\n`),
          heartbeat: () => raw.write(": heartbeat\n\n"),
          closed,
        });
      } catch (error) {
        request.log.error({ err: error }, "run event stream failed");
      } finally {
        openStreams.delete(end);
        raw.end();
      }
    },
  );
};
