// The run-review migration's backfill, on rows written before it: a tenant whose latest real run is blocked gets the
// warning that names that run; a blocked run dismissed earlier has its actions read "not applied".
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { DEFAULT_MIGRATIONS_DIR, migrateDatabase } from "./migrator";
import { createEmptyDatabase } from "./testing";

const MIGRATION = "20261202000500_run_review";

test("backfill: a tenant whose latest real run is blocked gets the warning; a dismissed run's actions read not applied", async () => {
  const db = await createEmptyDatabase();
  const dir = await mkdtemp(path.join(tmpdir(), "techsync-migrations-"));
  const client = new Client({ connectionString: db.url });
  try {
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await rm(path.join(dir, MIGRATION), { recursive: true });
    await migrateDatabase({ databaseUrl: db.url, migrationsDir: dir });
    await client.connect();
    const tenant = async (name: string) =>
      (
        await client.query(
          `INSERT INTO tenants (id, name, data_key_wrapped, data_key_master_key_id, updated_at)
           VALUES (gen_random_uuid(), $1, 'w', 'k1', now()) RETURNING id`,
          [name],
        )
      ).rows[0].id as string;
    const run = async (tenantId: string, status: string, queuedAt: string, extra = "") =>
      (
        await client.query(
          `INSERT INTO sync_runs (id, tenant_id, trigger, dry_run, status, queued_at${extra ? ", report" : ""})
           VALUES (gen_random_uuid(), $1, 'schedule', false, $2, $3${extra ? ", $4::jsonb" : ""}) RETURNING id`,
          extra ? [tenantId, status, queuedAt, extra] : [tenantId, status, queuedAt],
        )
      ).rows[0].id as string;
    const blockedTenant = await tenant("Blocked");
    await run(blockedTenant, "succeeded", "2026-11-01T00:00:00Z");
    const blockedRun = await run(blockedTenant, "blocked", "2026-11-02T00:00:00Z");
    const healthyTenant = await tenant("Healthy");
    await run(healthyTenant, "blocked", "2026-11-01T00:00:00Z");
    await run(healthyTenant, "succeeded", "2026-11-02T00:00:00Z");
    const dismissed = await run(healthyTenant, "cancelled", "2026-10-01T00:00:00Z", '{"status":"blocked"}');
    await client.query(
      `INSERT INTO sync_actions (run_id, tenant_id, seq, kind, status, entra_user_id, reason, updated_at)
       VALUES ($1, $2, 1, 'disable', 'planned', 'u1', 'left', now())`,
      [dismissed, healthyTenant],
    );

    await cp(path.join(DEFAULT_MIGRATIONS_DIR, MIGRATION), path.join(dir, MIGRATION), { recursive: true });
    expect((await migrateDatabase({ databaseUrl: db.url, migrationsDir: dir })).applied).toEqual([MIGRATION]);
    const tenants = await client.query("SELECT name, attention_reason, attention_run_id FROM tenants ORDER BY name");
    expect(tenants.rows).toEqual([
      {
        name: "Blocked",
        attention_reason:
          "A run was stopped by the safety threshold: review what it would disable, then approve or dismiss it.",
        attention_run_id: blockedRun,
      },
      { name: "Healthy", attention_reason: null, attention_run_id: null },
    ]);
    const actions = await client.query("SELECT status, error_code, error FROM sync_actions");
    expect(actions.rows).toEqual([{ status: "skipped", error_code: "DISMISSED", error: "The run was dismissed." }]);
  } finally {
    await client.end().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await db.drop();
  }
});
