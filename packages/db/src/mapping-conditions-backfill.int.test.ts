// The conditions migration keeps every existing pair deciding as before: a stored single filter becomes one include
// condition joined by "all", a pair without a filter gets none, and every pair starts at version 1.
import { cp, mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { DEFAULT_MIGRATIONS_DIR, migrateDatabase } from "./migrator";
import { createEmptyDatabase } from "./testing";

const CONDITIONS = "20261202001300_mapping_conditions";

test("the conditions backfill turns each stored filter into one include condition and leaves unfiltered pairs alone", async () => {
  const db = await createEmptyDatabase();
  const client = new Client({ connectionString: db.url });
  try {
    const before = await mkdtemp(path.join(tmpdir(), "techsync-migrations-"));
    for (const entry of await readdir(DEFAULT_MIGRATIONS_DIR)) {
      if (entry < CONDITIONS)
        await cp(path.join(DEFAULT_MIGRATIONS_DIR, entry), path.join(before, entry), { recursive: true });
    }
    await migrateDatabase({ databaseUrl: db.url, migrationsDir: before });
    await client.connect();
    const { rows: tenants } = await client.query<{ id: string }>(
      `INSERT INTO tenants (id, name, data_key_wrapped, data_key_master_key_id, updated_at)
       VALUES (gen_random_uuid(), 'Contoso', 'w', 'k', now()) RETURNING id`,
    );
    const tenantId = tenants[0]!.id;
    const pair = async (entraGroupId: string, filter: [string, string, string] | null) => {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO group_mappings (id, tenant_id, entra_group_id, entra_group_name, rescue_group_id, rescue_group_name,
           filter_attribute, filter_operator, filter_value, updated_at)
         VALUES (gen_random_uuid(), $1, $2, $2, 42, 'Tier 1', $3, $4, $5, now()) RETURNING id`,
        [tenantId, entraGroupId, filter?.[0] ?? null, filter?.[1] ?? null, filter?.[2] ?? null],
      );
      return rows[0]!.id;
    };
    const filtered = await pair("g1", ["department", "contains", "aid"]);
    const unfiltered = await pair("g2", null);

    await migrateDatabase({ databaseUrl: db.url });
    const { rows } = await client.query<{ id: string; conditions: unknown; version: number; filter_value: string }>(
      "SELECT id, conditions, version, filter_value FROM group_mappings",
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(filtered)).toEqual({
      id: filtered,
      conditions: {
        combinator: "all",
        conditions: [{ attribute: "department", operator: "contains", value: "aid", mode: "include" }],
      },
      version: 1,
      // The older columns are kept for readers of them.
      filter_value: "aid",
    });
    expect(byId.get(unfiltered)).toMatchObject({ conditions: null, version: 1 });
  } finally {
    await client.end().catch(() => undefined);
    await db.drop();
  }
});
