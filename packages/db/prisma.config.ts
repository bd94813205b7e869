import { defineConfig } from "prisma/config";

// Prisma 7 reads the connection from here. Generation needs no database; the placeholder keeps
// `prisma generate` working on a machine with no DATABASE_URL set.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/techsync" },
});
