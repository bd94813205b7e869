// Applies the committed Prisma migrations (prisma/migrations/<name>/migration.sql) without the Prisma
// CLI's native schema engine, which cannot be downloaded here. It records them in Prisma's own
// `_prisma_migrations` table, in Prisma's format, so `prisma migrate deploy` on a connected machine
// sees them as applied.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Client } from "pg";

/** Prisma Migrate's own advisory lock key: our migrator and Prisma's never run at once. */
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

export const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, "../prisma/migrations");

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

export interface MigrateOptions {
  databaseUrl: string;
  migrationsDir?: string;
  log?: (line: string) => void;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function readMigrations(dir: string): Promise<LocalMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      // Prisma's checksum: SHA-256 of the file's content, hex.
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies pending migrations in name order, each in its own transaction, under Prisma's advisory
 * lock (two processes starting at once queue up; the second finds nothing left to do). Refuses to
 * run when an applied migration's file changed, or when one failed earlier and was not resolved.
 */
export async function migrateDatabase(options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      );
      const applied = new Map(rows.map((r) => [r.migration_name, r]));
      for (const migration of migrations) {
        const row = applied.get(migration.name);
        if (row) {
          if (row.finished_at === null) {
            throw new MigrationError(
              `Migration ${migration.name} failed earlier and was never resolved; fix the database, then mark it rolled back (prisma migrate resolve --rolled-back ${migration.name}).`,
            );
          }
          if (row.checksum !== migration.checksum) {
            throw new MigrationError(
              `Migration ${migration.name} was changed after it was applied (checksum differs). Never edit an applied migration: add a new one.`,
            );
          }
          result.alreadyApplied.push(migration.name);
          continue;
        }
        log(`applying ${migration.name}`);
        try {
          await client.query("BEGIN");
          await client.query(migration.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), now(), 1)`,
            [randomUUID(), migration.checksum, migration.name],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new MigrationError(
            `Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`,
            {
              cause: error,
            },
          );
        }
        result.applied.push(migration.name);
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
  log(
    result.applied.length
      ? `applied ${result.applied.length} migration(s)`
      : `database is up to date (${result.alreadyApplied.length} migration(s))`,
  );
  return result;
}

/** Creates the database named in the URL when it does not exist yet (for a first `npm start`). */
export async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new MigrationError("DATABASE_URL names no database");
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = "/postgres";
  const client = new Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    return true;
  } catch (error) {
    // Another process created it between our check and our CREATE.
    if ((error as { code?: string }).code === "42P04") return false;
    throw error;
  } finally {
    await client.end();
  }
}
