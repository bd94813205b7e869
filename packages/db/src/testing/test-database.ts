// A database of its own for each test file, so files run in parallel without seeing each other's rows.
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { createPrismaClient, type PrismaClient } from "../client";
import { migrateDatabase } from "../migrator";

/** Where test databases are created: TEST_DATABASE_URL (any database on the server), else local trust auth. */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  prisma: PrismaClient;
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(testServerUrl(), "postgres") });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database (no migrations applied). */
export async function createEmptyDatabase(
  prefix = "techsync_test",
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: withDatabase(testServerUrl(), name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Creates a database, applies every migration, and returns a Prisma client for it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const db = await createEmptyDatabase();
  await migrateDatabase({ databaseUrl: db.url });
  const prisma = createPrismaClient({ url: db.url, maxConnections: 4 });
  return {
    name: db.name,
    url: db.url,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      await db.drop();
    },
  };
}
