// Connection secrets are bound to their destination: the migration that replaced URLs with names, and the AAD
// that stops a ciphertext from opening for another destination.
import { cp, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { createPrismaClient } from "./client";
import { DEFAULT_MIGRATIONS_DIR, migrateDatabase } from "./migrator";
import { generateMasterKey, parseMasterKeyring, SecretBox, SecretBoxError } from "./secret-box";
import { entraSecretField, loadTenantSyncConfig, rescueSecretField, SECRET_FIELDS } from "./tenant-secrets";
import { createEmptyDatabase, createTestDatabase } from "./testing";

const secretBox = new SecretBox(parseMasterKeyring(`k:${generateMasterKey()}`, "k"));

describe("the destinations migration", () => {
  test("maps the public URLs to global/enterprise and anything else to sandbox; old secrets still open", async () => {
    const db = await createEmptyDatabase();
    const onlyInit = await mkdtemp(path.join(tmpdir(), "techsync-migrations-"));
    const prisma = createPrismaClient({ url: db.url, maxConnections: 2 });
    try {
      await mkdir(path.join(onlyInit, "20261126000000_init"));
      await cp(path.join(DEFAULT_MIGRATIONS_DIR, "20261126000000_init"), path.join(onlyInit, "20261126000000_init"), {
        recursive: true,
      });
      await migrateDatabase({ databaseUrl: db.url, migrationsDir: onlyInit });

      const tenants = {
        global: "11111111-1111-4111-8111-000000000001",
        enterprise: "11111111-1111-4111-8111-000000000002",
        emulator: "11111111-1111-4111-8111-000000000003",
      };
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        for (const [name, id] of Object.entries(tenants)) {
          const key = secretBox.createDataKey(id);
          const seal = (field: string, value: string) => secretBox.encrypt(id, key, field, value);
          await client.query(
            `INSERT INTO tenants (id, name, data_key_wrapped, data_key_master_key_id, updated_at) VALUES ($1, $2, $3, $4, now())`,
            [id, name, key.wrapped, key.masterKeyId],
          );
          const url = {
            global: "https://secure.logmeinrescue.com",
            enterprise: "https://secure.logmeinrescue-enterprise.com/",
            emulator: "http://127.0.0.1:4010",
          }[name];
          await client.query(
            `INSERT INTO rescue_connections (tenant_id, email, password_enc, service_token_enc, api_base_url, updated_at)
             VALUES ($1, 'mah@x.example', $2, $3, $4, now())`,
            [id, seal("rescue.password", `pw-${name}`), seal("rescue.serviceToken", `token-${name}`), url],
          );
          const authority = name === "emulator" ? "https://127.0.0.1:4020" : null;
          await client.query(
            `INSERT INTO entra_connections (tenant_id, directory_id, client_id, client_secret_enc, authority_host, graph_base_url, updated_at)
             VALUES ($1, 'd', 'c', $2, $3, $3, now())`,
            [id, seal("entra.clientSecret", `cs-${name}`), authority],
          );
        }
      } finally {
        await client.end();
      }

      await migrateDatabase({ databaseUrl: db.url });
      const regions = await prisma.rescueConnection.findMany({ select: { tenantId: true, region: true } });
      const clouds = await prisma.entraConnection.findMany({ select: { tenantId: true, cloud: true } });
      const byTenant = (rows: { tenantId: string }[], key: "region" | "cloud") =>
        Object.fromEntries(rows.map((row) => [row.tenantId, (row as Record<string, string>)[key]]));
      expect(byTenant(regions, "region")).toEqual({
        [tenants.global]: "global",
        [tenants.enterprise]: "enterprise",
        [tenants.emulator]: "sandbox",
      });
      expect(byTenant(clouds, "cloud")).toEqual({
        [tenants.global]: "global",
        [tenants.enterprise]: "global",
        [tenants.emulator]: "sandbox",
      });
      const config = await loadTenantSyncConfig({ prisma, secretBox }, tenants.enterprise);
      expect(config.rescue).toMatchObject({
        region: "enterprise",
        email: "mah@x.example",
        password: "pw-enterprise",
        apiToken: "token-enterprise",
      });
      expect(config.entra?.clientSecret).toBe("cs-enterprise");
    } finally {
      await prisma.$disconnect();
      await db.drop();
    }
  });
});

describe("destination-bound secrets", () => {
  const id = "22222222-2222-4222-8222-222222222222";
  test("a ciphertext kept on a row whose destination changed does not decrypt", async () => {
    const db = await createTestDatabase();
    try {
      const key = secretBox.createDataKey(id);
      const seal = (field: string, value: string) => secretBox.encrypt(id, key, field, value);
      await db.prisma.tenant.create({
        data: {
          id,
          name: "T",
          sandboxMode: true,
          dataKeyWrapped: key.wrapped,
          dataKeyMasterKeyId: key.masterKeyId,
          rescueConnection: {
            create: {
              email: "mah@x.example",
              region: "global",
              apiTokenEnc: seal(rescueSecretField(SECRET_FIELDS.rescueApiToken, "global"), "token"),
            },
          },
          entraConnection: {
            create: {
              directoryId: "d",
              clientId: "c",
              cloud: "global",
              clientSecretEnc: seal(entraSecretField("global"), "cs"),
            },
          },
        },
      });
      const deps = { prisma: db.prisma, secretBox };
      expect((await loadTenantSyncConfig(deps, id)).rescue).toMatchObject({ apiToken: "token", password: null });

      // Someone with database access points the row elsewhere but keeps the ciphertext: it no longer opens.
      await db.prisma.rescueConnection.update({ where: { tenantId: id }, data: { region: "sandbox" } });
      await expect(loadTenantSyncConfig(deps, id)).rejects.toThrow(SecretBoxError);
      await db.prisma.rescueConnection.update({ where: { tenantId: id }, data: { region: "global" } });
      await db.prisma.entraConnection.update({ where: { tenantId: id }, data: { cloud: "usgov" } });
      await expect(loadTenantSyncConfig(deps, id)).rejects.toThrow(/failed authentication/);
    } finally {
      await db.drop();
    }
  });
});
