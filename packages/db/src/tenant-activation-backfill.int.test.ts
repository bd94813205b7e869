// rule 14's migration keeps existing customers syncing: tenants that are not paused and had a real run go through
// count as activated; everyone else waits for a person to press Start syncing.
import { cp, mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { DEFAULT_MIGRATIONS_DIR, migrateDatabase } from "./migrator";
import { createEmptyDatabase } from "./testing";

const ACTIVATION = "20261202000200_tenant_activation";

test("rule 14: the activation backfill marks only unpaused tenants with a succeeded or partial real run", async () => {
  const db = await createEmptyDatabase();
  const client = new Client({ connectionString: db.url });
  try {
    // The schema as it was just before the activation migration.
    const before = await mkdtemp(path.join(tmpdir(), "techsync-migrations-"));
    for (const entry of await readdir(DEFAULT_MIGRATIONS_DIR)) {
      if (entry < ACTIVATION)
        await cp(path.join(DEFAULT_MIGRATIONS_DIR, entry), path.join(before, entry), { recursive: true });
    }
    await migrateDatabase({ databaseUrl: db.url, migrationsDir: before });
    await client.connect();
    const tenant = async (
      name: string,
      paused: boolean,
      runs: [dryRun: boolean, status: string, finished: string][],
    ) => {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO tenants (id, name, paused, data_key_wrapped, data_key_master_key_id, updated_at)
         VALUES (gen_random_uuid(), $1, $2, 'w', 'k', now()) RETURNING id`,
        [name, paused],
      );
      const id = rows[0]!.id;
      for (const [dryRun, status, finished] of runs) {
        await client.query(
          `INSERT INTO sync_runs (id, tenant_id, trigger, dry_run, status, queued_at, finished_at)
           VALUES (gen_random_uuid(), $1, 'schedule', $2, $3::"RunStatus", $4::timestamp, $4::timestamp)`,
          [id, dryRun, status, finished],
        );
      }
      return id;
    };
    const syncing = await tenant("Syncing", false, [
      [true, "succeeded", "2026-11-01T08:00:00Z"],
      [false, "failed", "2026-11-02T08:00:00Z"],
      [false, "partial", "2026-11-03T08:00:00Z"],
      [false, "succeeded", "2026-11-04T08:00:00Z"],
    ]);
    const paused = await tenant("Paused", true, [[false, "succeeded", "2026-11-03T08:00:00Z"]]);
    const previewsOnly = await tenant("Previews only", false, [[true, "succeeded", "2026-11-03T08:00:00Z"]]);
    const failedOnly = await tenant("Failed only", false, [[false, "failed", "2026-11-03T08:00:00Z"]]);
    const fresh = await tenant("New", false, []);

    await migrateDatabase({ databaseUrl: db.url });
    const { rows } = await client.query<{ id: string; activated_at: Date | null; activated_by: string | null }>(
      "SELECT id, activated_at, activated_by FROM tenants",
    );
    const activated = new Map(rows.map((row) => [row.id, row]));
    // Activated since its first real run that went through.
    expect(activated.get(syncing)?.activated_at?.toISOString()).toBe("2026-11-03T08:00:00.000Z");
    expect(activated.get(syncing)?.activated_by).toBe("system:migration");
    for (const waiting of [paused, previewsOnly, failedOnly, fresh]) {
      expect(activated.get(waiting)).toMatchObject({ activated_at: null, activated_by: null });
    }
  } finally {
    await client.end().catch(() => undefined);
    await db.drop();
  }
});
