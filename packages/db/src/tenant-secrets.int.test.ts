import { generateMasterKey, parseMasterKeyring, SecretBox } from "./secret-box";
import {
  entraSecretField,
  loadTenantSyncConfig,
  rescueSecretField,
  SECRET_FIELDS,
  TenantNotConnectedError,
} from "./tenant-secrets";
import { createTestDatabase, type TestDatabase } from "./testing";

let db: TestDatabase;
const secretBox = new SecretBox(parseMasterKeyring(`k:${generateMasterKey()}`, "k"));
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

describe("loadTenantSyncConfig", () => {
  test("decrypts the tenant's connections and default password", async () => {
    const id = "11111111-1111-4111-8111-111111111111";
    const key = secretBox.createDataKey(id);
    const seal = (field: string, v: string) => secretBox.encrypt(id, key, field, v);
    await db.prisma.tenant.create({
      data: {
        id,
        name: "T",
        dataKeyWrapped: key.wrapped,
        dataKeyMasterKeyId: key.masterKeyId,
        defaultPasswordEnc: seal(SECRET_FIELDS.defaultPassword, "Default-Pass-1!"),
        rescueConnection: {
          create: {
            email: "mah@x.example",
            passwordEnc: seal(rescueSecretField(SECRET_FIELDS.rescuePassword, "global"), "rescue-pw"),
            apiTokenEnc: seal(rescueSecretField(SECRET_FIELDS.rescueApiToken, "global"), "token"),
          },
        },
        entraConnection: {
          create: { directoryId: "d", clientId: "c", clientSecretEnc: seal(entraSecretField("global"), "cs") },
        },
      },
    });
    const config = await loadTenantSyncConfig({ prisma: db.prisma, secretBox }, id);
    expect(config).toMatchObject({
      defaultPassword: "Default-Pass-1!",
      rescue: { region: "global", email: "mah@x.example", password: "rescue-pw", apiToken: "token" },
      entra: { cloud: "global", directoryId: "d", clientId: "c", clientSecret: "cs" },
    });
  });

  test("a tenant with nothing connected yet gives nulls; an unknown tenant a clear error", async () => {
    const id = "22222222-2222-4222-8222-222222222222";
    const key = secretBox.createDataKey(id);
    await db.prisma.tenant.create({
      data: { id, name: "Empty", dataKeyWrapped: key.wrapped, dataKeyMasterKeyId: key.masterKeyId },
    });
    expect(await loadTenantSyncConfig({ prisma: db.prisma, secretBox }, id)).toMatchObject({
      rescue: null,
      entra: null,
      defaultPassword: null,
    });
    await expect(
      loadTenantSyncConfig({ prisma: db.prisma, secretBox }, "33333333-3333-4333-8333-333333333333"),
    ).rejects.toThrow(TenantNotConnectedError);
  });
});
