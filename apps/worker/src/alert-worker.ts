// The alerts queue's consumer: each delivery job makes one attempt (deliverAlert logs it) and the queue retries a
// failed one with exponential backoff; the last failed attempt marks the delivery failed. It also runs the
// scheduled check of Entra client secrets that expire within 30 days (one reminder per tenant per day at most),
// with the date entered with the secret or, failing that, read from the app registration in Graph.
import {
  ALERT_QUEUE,
  type AlertQueue,
  createAlertQueue,
  DELIVER_ALERT_JOB,
  type DeliverAlertDeps,
  deliverAlert,
  raiseAlert,
  SECRET_EXPIRY_CHECK_JOB,
  ZDeliverAlertJob,
} from "@techsync/alerts";
import type { PrismaClient } from "@techsync/db";
import type { OutboundSettings } from "@techsync/outbound";
import { UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { type GraphSecretExpiryDeps, refreshGraphSecretExpiry } from "./graph-secret-expiry";

export interface AlertWorkerOptions extends DeliverAlertDeps {
  log: Logger;
  redisUrl: string;
  prefix?: string;
  /** Base of the exponential backoff between attempts (default 30 s; tests shorten it). */
  backoffMs?: number;
  now?: () => Date;
  /** How Graph is reached (the sandbox emulator, its CA), to read client secret expiry dates. */
  outbound?: OutboundSettings;
}

export interface AlertWorker {
  worker: Worker;
  queue: AlertQueue;
  close(): Promise<void>;
}

const DAY_MS = 24 * 3600_000;
export const SECRET_EXPIRY_WARNING_DAYS = 30;

/**
 * Raises "the Entra client secret expires soon" for every tenant whose secret expires within 30 days (or has): the
 * date entered with the secret when there is one, else the one read from the app registration in Graph (read first,
 * at most once a day per tenant, when `secretBox` is given). The alert says which of the two it used.
 */
export async function checkEntraSecretExpiry(
  deps: { prisma: PrismaClient; queue: AlertQueue } & Partial<Omit<GraphSecretExpiryDeps, "prisma">>,
  now: Date = new Date(),
): Promise<number> {
  if (deps.secretBox) {
    await refreshGraphSecretExpiry(
      {
        prisma: deps.prisma,
        secretBox: deps.secretBox,
        ...(deps.outbound ? { outbound: deps.outbound } : {}),
        ...(deps.log ? { log: deps.log } : {}),
      },
      now,
    );
  }
  const limit = new Date(now.getTime() + SECRET_EXPIRY_WARNING_DAYS * DAY_MS);
  const due = await deps.prisma.entraConnection.findMany({
    where: {
      OR: [
        { clientSecretExpiresAt: { not: null, lte: limit } },
        { clientSecretExpiresAt: null, clientSecretGraphExpiresAt: { not: null, lte: limit } },
      ],
    },
    select: { tenantId: true, clientSecretExpiresAt: true, clientSecretGraphExpiresAt: true },
  });
  const today = now.toISOString().slice(0, 10);
  for (const connection of due) {
    const source = connection.clientSecretExpiresAt ? "entered" : "graph";
    const expires = (connection.clientSecretExpiresAt ?? connection.clientSecretGraphExpiresAt)!;
    const days = Math.ceil((expires.getTime() - now.getTime()) / DAY_MS);
    const date = expires.toISOString().slice(0, 10);
    const from =
      source === "entered"
        ? "the date entered with the secret in TechSync"
        : "the date read from the app registration in Microsoft Entra ID";
    await raiseAlert(deps, {
      tenantId: connection.tenantId,
      kind: "entra_secret_expiring",
      dedupeKey: `entra_secret_expiring:${today}`,
      summary:
        days > 0
          ? `The client secret of the Entra app registration expires on ${date} (in ${days} day${days === 1 ? "" : "s"}; ${from}). Create a new secret in the Entra admin center and enter it in Settings before then, or runs will stop.`
          : `The client secret of the Entra app registration expired on ${date} (${from}). Create a new secret in the Entra admin center and enter it in Settings.`,
      fixPath: `/t/${connection.tenantId}/settings`,
      details: { expiresOn: date, source },
    });
  }
  return due.length;
}

export function startAlertWorker(options: AlertWorkerOptions): AlertWorker {
  const { log } = options;
  const producerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  producerConnection.on("error", (error) => log.warn({ err: error }, "alert queue Redis connection error"));
  const queue = createAlertQueue({
    connection: producerConnection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
  });
  const worker = new Worker(
    ALERT_QUEUE,
    async (job) => {
      if (job.name === SECRET_EXPIRY_CHECK_JOB) {
        return {
          due: await checkEntraSecretExpiry(
            {
              prisma: options.prisma,
              queue,
              secretBox: options.secretBox,
              log,
              ...(options.outbound ? { outbound: options.outbound } : {}),
            },
            options.now?.(),
          ),
        };
      }
      if (job.name !== DELIVER_ALERT_JOB) return undefined;
      const parsed = ZDeliverAlertJob.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError("invalid alert delivery payload");
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      return deliverAlert(options, parsed.data.deliveryId, finalAttempt);
    },
    {
      connection: workerConnection,
      ...(options.prefix ? { prefix: options.prefix } : {}),
      concurrency: 4,
    },
  );
  worker.on("error", (error) => log.error({ err: error }, "alert worker error"));
  worker.on("failed", (job, error) =>
    log.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message }, "alert delivery attempt failed"),
  );
  let closing: Promise<void> | undefined;
  return {
    worker,
    queue,
    close() {
      closing ??= (async () => {
        await worker.close();
        await queue.close();
        options.mailer?.close();
        await Promise.allSettled([workerConnection.quit(), producerConnection.quit()]);
      })();
      return closing;
    },
  };
}
