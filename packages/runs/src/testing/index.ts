// For tests only (not in the build): what a test needs to do to run events that no production code does.
import type { PrismaClient } from "@techsync/db";
import { RUN_EVENTS_APPLICATION_NAME } from "../run-event-listener";

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
