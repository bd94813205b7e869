// `npm run seed -w @techsync/api`: creates or refreshes the sandbox demo tenant (the emulators must be running).
import { envShapes, loadEnvOrExit } from "@techsync/config";
import { createPrismaClient, parseMasterKeyring, SecretBox } from "@techsync/db";
import { z } from "zod";
import { SANDBOX_PORTAL_USER, seedSandboxTenant } from "../src/sandbox/seed-sandbox-tenant";
import { EMULATOR_DEMO_ACCOUNTS } from "./emulator-demo-accounts";

const env = loadEnvOrExit(
  "seed",
  z.object({
    DATABASE_URL: envShapes.postgresUrl,
    SECRET_BOX_MASTER_KEYS: z.string().min(1),
    SECRET_BOX_ACTIVE_KEY_ID: z.string().min(1),
    /** The same emulator URLs the API and worker are given: the sandbox destination. */
    RESCUE_EMULATOR_URL: envShapes.emulatorUrl("http or https").pipe(z.string({ message: "is required to seed" })),
    GRAPH_EMULATOR_URL: envShapes.emulatorUrl("https").pipe(z.string({ message: "is required to seed" })),
  }),
);

async function main(): Promise<void> {
  const prisma = createPrismaClient({ url: env.DATABASE_URL });
  try {
    const secretBox = new SecretBox(parseMasterKeyring(env.SECRET_BOX_MASTER_KEYS, env.SECRET_BOX_ACTIVE_KEY_ID));
    const result = await seedSandboxTenant(
      { prisma, secretBox },
      { rescueUrl: env.RESCUE_EMULATOR_URL, graphUrl: env.GRAPH_EMULATOR_URL },
      EMULATOR_DEMO_ACCOUNTS,
    );
    console.log(`[seed] sandbox tenant ${result.tenantId} ready with ${result.mappings} group mappings`);
    console.log(`[seed] sign in to the portal as ${SANDBOX_PORTAL_USER.email} / ${SANDBOX_PORTAL_USER.password}`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(`[seed] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
