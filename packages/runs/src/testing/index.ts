// For tests only (not in the build): what a test needs to do to run events that no production code does.
import type { PrismaClient } from "@techsync/db";
import { Client } from "pg";
import { RUN_EVENTS_APPLICATION_NAME } from "../run-event-listener";
import { parseRunEvent, RUN_EVENTS_CHANNEL, type RunEvent } from "../run-events";

/**
 * Ends the run events listener connections to this database, and no other backend (as a Postgres restart would
 * for them); answers the pids it ended.
 */
export async function terminateRunEventListeners(prisma: PrismaClient): Promise<number[]> {
  const rows = await prisma.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = ${RUN_EVENTS_APPLICATION_NAME} AND pid <> pg_backend_pid()`;
  for (const { pid } of rows) await prisma.$queryRaw`SELECT pg_terminate_backend(${pid}::int)::text AS ended`;
  return rows.map((row) => row.pid);
}

/** Every run event notified on this database from now on, in commit order, until `close`. */
export async function listenToRunEvents(
  connectionString: string,
): Promise<{ events: RunEvent[]; close(): Promise<void> }> {
  const client = new Client({ connectionString });
  const events: RunEvent[] = [];
  client.on("notification", (message) => {
    const event = message.channel === RUN_EVENTS_CHANNEL ? parseRunEvent(message.payload) : null;
    if (event) events.push(event);
  });
  await client.connect();
  await client.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);
  return { events, close: () => client.end() };
}
