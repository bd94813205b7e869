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

/**
 * Re-reads the run every poll interval and pushes it when it changed. Polling the row (rather than a
 * pub/sub) keeps the API stateless: any instance can serve any stream.
 */
export async function streamRunEvents(
  deps: Pick<ApiDeps, "prisma" | "runEventsPollMs" | "runEventsHeartbeatMs">,
  tenantId: string,
  runId: string,
  sink: RunEventSink,
): Promise<void> {
  let open = true;
  void sink.closed.then(() => {
    open = false;
  });
  const heartbeat = setInterval(() => sink.heartbeat(), deps.runEventsHeartbeatMs ?? DEFAULT_RUN_EVENTS_HEARTBEAT_MS);
  try {
    await pushChanges(deps, tenantId, runId, sink, () => open);
  } finally {
    clearInterval(heartbeat);
  }
}

async function pushChanges(
  deps: Pick<ApiDeps, "prisma" | "runEventsPollMs">,
  tenantId: string,
  runId: string,
  sink: RunEventSink,
  isOpen: () => boolean,
): Promise<void> {
  let last = "";
  while (isOpen()) {
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
    await Promise.race([new Promise((resolve) => setTimeout(resolve, deps.runEventsPollMs)), sink.closed]);
  }
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
