// `npm run db:migrate`: applies the committed migrations to DATABASE_URL.
import { ensureDatabaseExists, MigrationError, migrateDatabase } from "@techsync/db";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/techsync)");
  process.exit(1);
}
async function main(databaseUrl: string): Promise<void> {
  if (await ensureDatabaseExists(databaseUrl)) console.log("[db:migrate] created the database");
  await migrateDatabase({ databaseUrl, log: (line) => console.log(`[db:migrate] ${line}`) });
}

main(url).catch((error: unknown) => {
  console.error(`[db:migrate] ${error instanceof MigrationError ? error.message : String(error)}`);
  process.exit(1);
});
