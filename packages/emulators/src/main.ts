// `npm run emulators`: the sandbox's stand-ins for LogMeIn Rescue (http, port 4010) and Microsoft
// Entra ID + Graph (https, port 4020), serving the demo organisation (and a copy of it per sandbox tenant) and
// the demo directory.
import { DEMO_CLIENT_ID, DEMO_TENANT_ID, startGraphEmulator } from "./graph";
import { DEMO_RESCUE_CONNECTION, startRescueEmulator } from "./rescue";

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`[emulators] Invalid environment variable ${name}: must be a port number`);
    process.exit(1);
  }
  return value;
}

async function main(): Promise<void> {
  const host = process.env.EMULATOR_HOST || "127.0.0.1";
  // The sandbox configuration: besides the demo organisation, each sandbox tenant's token of the documented demo
  // form (SANDBOX_TOKEN_PREFIX + 32 hex, which the portal's "Try with demo data" derives from the tenant id) opens
  // a copy of its own (rule 15: one tenant per organisation).
  const rescue = await startRescueEmulator({
    host,
    port: port("RESCUE_EMULATOR_PORT", 4010),
    sandboxOrganisations: true,
  });
  const extraHostnames = (process.env.EMULATOR_TLS_HOSTNAMES ?? "").split(",").filter(Boolean);
  const graph = await startGraphEmulator({ host, port: port("GRAPH_EMULATOR_PORT", 4020), extraHostnames });
  console.log(`[emulators] Rescue emulator   ${rescue.url}  (Master Account Holder ${DEMO_RESCUE_CONNECTION.email})`);
  console.log(`[emulators] Graph emulator    ${graph.url}  (tenant ${DEMO_TENANT_ID}, client ${DEMO_CLIENT_ID})`);
  console.log(
    `[emulators] Graph emulator CA ${graph.caPath}  (trust it with NODE_EXTRA_CA_CERTS or the client's ca option)`,
  );

  const shutdown = async () => {
    await Promise.allSettled([rescue.close(), graph.close()]);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
}

main().catch((error: unknown) => {
  console.error("[emulators] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
