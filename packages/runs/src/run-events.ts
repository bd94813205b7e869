// Run events, the publishing side: every write a live run page cares about (progress, log lines, action outcomes,
// the run's status) sends a Postgres NOTIFY on one channel, in the same transaction as the write, so a listener
// never hears of a change before it is committed. A notification only says "this run changed, read it again":
// the row in Postgres stays the one source of what the run looks like.
import type { Prisma, PrismaClient } from "@techsync/db";

/** The one channel every run event goes to (LISTEN and pg_notify name it). */
export const RUN_EVENTS_CHANNEL = "techsync_run_events";

/** What changed; a listener re-reads the run whatever the kind, the kind is for logs and metrics. */
export const RUN_CHANGES = ["status", "progress", "log", "actions"] as const;
export type RunChange = (typeof RUN_CHANGES)[number];

/** A notification's whole payload: ids and a word, never anything of the run's content (~100 bytes). */
export interface RunEvent {
  runId: string;
  tenantId: string;
  change: RunChange;
}

export function runEventPayload(event: RunEvent): string {
  return JSON.stringify({ runId: event.runId, tenantId: event.tenantId, change: event.change });
}

/** The payload back as an event, or null when it is not one of ours (anyone may NOTIFY a channel). */
export function parseRunEvent(payload: string | undefined): RunEvent | null {
  if (!payload) return null;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { runId, tenantId, change } = value as Record<string, unknown>;
  if (typeof runId !== "string" || typeof tenantId !== "string") return null;
  if (!RUN_CHANGES.includes(change as RunChange)) return null;
  return { runId, tenantId, change: change as RunChange };
}

/**
 * The statement that announces a change. Inside a transaction (an interactive `tx`, or next to the write in a
 * `$transaction([...])` batch) Postgres delivers it at commit, and not at all on rollback.
 */
export function notifyRunEvent(
  db: PrismaClient | Prisma.TransactionClient,
  event: RunEvent,
): Prisma.PrismaPromise<number> {
  return db.$executeRaw`SELECT pg_notify(${RUN_EVENTS_CHANNEL}, ${runEventPayload(event)})`;
}

/** A write of a run's data and its announcement, committed together in one batch transaction. */
export async function writeWithRunEvent<T>(
  prisma: PrismaClient,
  event: RunEvent,
  write: Prisma.PrismaPromise<T>,
): Promise<T> {
  const [result] = await prisma.$transaction([write, notifyRunEvent(prisma, event)]);
  return result;
}
