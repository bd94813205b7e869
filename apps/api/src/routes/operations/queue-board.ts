// Bull Board for operators at /admin/queues, behind OPERATOR_TOKEN (never a portal user's or API key's business),
// read-only unless BULL_BOARD_WRITABLE says otherwise.
import { timingSafeEqual } from "node:crypto";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { SyncQueue } from "@techsync/jobs";
import type { FastifyPluginAsync } from "fastify";
import type { AttemptCounter } from "../../auth/attempt-counter";
import { assertAuthAllowed, RateLimitedError, recordAuthFailure } from "../../auth/auth-limits";
import { bearerToken } from "../../auth/authenticate";
import { AppError, errorReplyOf } from "../../errors";

export const QUEUE_BOARD_PATH = "/admin/queues";

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface QueueBoardOptions {
  syncQueue: SyncQueue;
  operatorToken: string;
  /** Guessing the operator token is paced per address like any bad credential. */
  attemptCounter: AttemptCounter;
  /** Retry, promote, clean and remove jobs; off unless an operator turned it on explicitly. */
  writable: boolean;
}

export const queueBoard: FastifyPluginAsync<QueueBoardOptions> = async (app, options) => {
  // Answered here rather than thrown: Bull Board's routes have an error handler of their own.
  app.addHook("onRequest", async (request, reply) => {
    const token = bearerToken(request);
    try {
      await assertAuthAllowed(options.attemptCounter, request.ip);
    } catch (error) {
      const { status, body } = errorReplyOf(error);
      if (error instanceof RateLimitedError) void reply.header("retry-after", String(error.retryAfterSeconds));
      return reply.status(status).send({ ...body, requestId: request.id });
    }
    if (!token || !sameSecret(token, options.operatorToken)) {
      if (token) await recordAuthFailure(options.attemptCounter, request.ip);
      const { status, body } = errorReplyOf(
        new AppError("unauthorized", "Authorization: the operator token is required."),
      );
      return reply.status(status).send({ ...body, requestId: request.id });
    }
    // Read-only means every changing call, including the board-wide ones Bull Board's own flag lets through.
    if (!options.writable && request.method !== "GET" && request.method !== "HEAD") {
      return reply.status(405).send({
        error: "method_not_allowed",
        message: "Bull Board is read-only here; an operator can set BULL_BOARD_WRITABLE=true to change jobs.",
        requestId: request.id,
      });
    }
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(options.syncQueue, { readOnlyMode: !options.writable })],
    serverAdapter,
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
};
