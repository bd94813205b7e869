import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { DEFAULT_MIGRATIONS_DIR, MigrationError, migrateDatabase } from "./migrator";
import { createEmptyDatabase } from "./testing";

async function appliedRows(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

describe("db:migrate", () => {
  test("applies every migration once and records it in Prisma's format; a second run is a no-op", async () => {
    const db = await createEmptyDatabase();
    try {
      const first = await migrateDatabase({ databaseUrl: db.url });
      expect(first.applied.length).toBeGreaterThan(0);
      const second = await migrateDatabase({ databaseUrl: db.url });
      expect(second.applied).toEqual([]);
      expect(second.alreadyApplied).toEqual(first.applied);
      const rows = await appliedRows(db.url);
      expect(rows).toHaveLength(first.applied.length);
      for (const row of rows) {
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.applied_steps_count).toBe(1);
        expect(row.rolled_back_at).toBeNull();
      }
    } finally {
      await db.drop();
    }
  });

  test("two processes migrating at once do not race: each migration is applied exactly once", async () => {
    const db = await createEmptyDatabase();
    try {
      const results = await Promise.all([1, 2, 3].map(() => migrateDatabase({ databaseUrl: db.url })));
      const appliedBy = results.map((r) => r.applied.length);
      expect(appliedBy.filter((n) => n > 0)).toHaveLength(1);
      const rows = await appliedRows(db.url);
      expect(new Set(rows.map((r) => r.migration_name)).size).toBe(rows.length);
    } finally {
      await db.drop();
    }
  });

  test("refuses to run when an applied migration's file changed", async () => {
    const db = await createEmptyDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), "techsync-migrations-"));
    try {
      await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
      await migrateDatabase({ databaseUrl: db.url, migrationsDir: dir });
      const [first] = (await appliedRows(db.url)).map((r) => r.migration_name as string);
      await writeFile(path.join(dir, first!, "migration.sql"), "-- edited after the fact\nSELECT 1;\n");
      await expect(migrateDatabase({ databaseUrl: db.url, migrationsDir: dir })).rejects.toThrow(MigrationError);
      await expect(migrateDatabase({ databaseUrl: db.url, migrationsDir: dir })).rejects.toThrow(
        /changed after it was applied/,
      );
    } finally {
      await db.drop();
    }
  });

  test("a failing migration is rolled back whole and not recorded, so a fixed one can run", async () => {
    const db = await createEmptyDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), "techsync-migrations-"));
    try {
      await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
      const broken = path.join(dir, "99991231000000_broken");
      await mkdir(broken);
      await writeFile(
        path.join(broken, "migration.sql"),
        'CREATE TABLE "half_done" (id int);\nSELECT no_such_function();\n',
      );
      await expect(migrateDatabase({ databaseUrl: db.url, migrationsDir: dir })).rejects.toThrow(
        /99991231000000_broken failed and was rolled back/,
      );
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const { rowCount } = await client.query("SELECT 1 FROM pg_tables WHERE tablename = 'half_done'");
      await client.end();
      expect(rowCount).toBe(0);
      await writeFile(path.join(broken, "migration.sql"), 'CREATE TABLE "half_done" (id int);\n');
      const fixed = await migrateDatabase({ databaseUrl: db.url, migrationsDir: dir });
      expect(fixed.applied).toEqual(["99991231000000_broken"]);
    } finally {
      await db.drop();
    }
  });
});
