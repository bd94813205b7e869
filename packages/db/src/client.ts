import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

// A value too: JSON filters need Prisma.DbNull (e.g. a run without a proposal).
export { Prisma } from "./generated/prisma/client";
export { PrismaClient };

export interface DatabaseOptions {
  /** postgresql://… */
  url: string;
  /** Pool size per process (default: pg's 10). */
  maxConnections?: number;
}

/** One Prisma client per process, through the pg driver adapter (no native query engine). */
export function createPrismaClient(options: DatabaseOptions): PrismaClient {
  const adapter = new PrismaPg({ connectionString: options.url, max: options.maxConnections });
  return new PrismaClient({ adapter });
}

/** The readiness probe: one round trip to the database; throws when it cannot answer. */
export async function pingDatabase(prisma: Pick<PrismaClient, "$queryRaw">): Promise<void> {
  await prisma.$queryRaw`SELECT 1`;
}
