// Builds and starts the Graph/Entra emulator: one HTTPS Fastify app serving the identity platform,
// Graph v1.0 and the /_emulator admin routes.
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance } from "fastify";
import { exportJWK, generateKeyPair } from "jose";
import { registerAdminRoutes } from "./admin-routes";
import { demoTenantSeed } from "./demo-directory";
import type { TenantSeed } from "./emulated-tenant";
import { type EmulatorCertificates, loadOrCreateCertificates } from "./emulator-certificates";
import { emptyStats, FaultInjector, type GraphFaults } from "./fault-injection";
import { type DirectoryGeneratorOptions, generateDirectory } from "./generate-directory";
import { GraphEmulatorAdmin } from "./graph-emulator-admin";
import type { GraphEmulatorContext } from "./graph-emulator-context";
import { registerGraphRoutes } from "./graph-routes";
import { SubscriptionStore } from "./graph-subscriptions";
import { registerIdentityRoutes } from "./identity-routes";

export interface GraphEmulatorOptions {
  /** Tenants to serve; default: the demo tenant. */
  tenants?: TenantSeed[] | (() => TenantSeed[]);
  /** Generated tenants served beside `tenants` (each needs its own tenantId and apps to be usable). */
  generated?: DirectoryGeneratorOptions[];
  faults?: GraphFaults;
  /** Access token lifetime (Entra: about an hour). */
  tokenLifetimeSeconds?: number;
  /** Objects per delta page (Graph decides this itself; small values exercise paging). */
  deltaPageSize?: number;
  /** Members per group object in a group delta round; a larger group repeats with further slices (Graph's way). */
  deltaMembersPerEntry?: number;
  /** Where the local CA and server certificate live (default packages/emulators/.certs). */
  certDir?: string;
  /** Host names besides localhost/127.0.0.1 the certificate must cover (used when first generated). */
  extraHostnames?: readonly string[];
  logger?: boolean;
  /** The clock subscriptions expire by (tests move it); default Date.now. */
  now?: () => number;
}

export interface BuiltGraphEmulator {
  app: FastifyInstance;
  admin: GraphEmulatorAdmin;
  certificates: EmulatorCertificates;
}

export async function buildGraphEmulator(options: GraphEmulatorOptions = {}): Promise<BuiltGraphEmulator> {
  const certificates = await loadOrCreateCertificates(options.certDir, options.extraHostnames);
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" };
  const stats = emptyStats();
  const context: GraphEmulatorContext = {
    tenants: new Map(),
    signing: { privateKey, publicKey, publicJwk, kid },
    faults: new FaultInjector(stats),
    stats,
    deltaRounds: new Map(),
    recentRequests: [],
    deltaEpoch: 0,
    subscriptions: new SubscriptionStore(options.now ?? Date.now),
    options: {
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
      deltaPageSize: options.deltaPageSize ?? 100,
      deltaMembersPerEntry: options.deltaMembersPerEntry ?? 500,
    },
  };
  const seeds = () => {
    const tenants = options.tenants ?? [demoTenantSeed()];
    const seeded = typeof tenants === "function" ? tenants() : tenants;
    return [...seeded, ...(options.generated ?? []).map(generateDirectory)];
  };
  const admin = new GraphEmulatorAdmin(context, seeds);
  admin.reset();
  if (options.faults) admin.setFaults(options.faults);

  const app = Fastify({
    logger: options.logger ?? false,
    https: { cert: certificates.certPem, key: certificates.keyPem },
    bodyLimit: 10 * 1024 * 1024,
  });
  await app.register(formbody);
  registerIdentityRoutes(app, context);
  registerGraphRoutes(app, context);
  registerAdminRoutes(app, admin);
  return { app, admin, certificates };
}

export interface StartGraphEmulatorOptions extends GraphEmulatorOptions {
  port?: number;
  host?: string;
}

export interface RunningGraphEmulator {
  /** e.g. https://127.0.0.1:4020: both the authority host and the Graph base URL. */
  url: string;
  port: number;
  caPath: string;
  caCertPem: string;
  admin: GraphEmulatorAdmin;
  close(): Promise<void>;
}

export async function startGraphEmulator(options: StartGraphEmulatorOptions = {}): Promise<RunningGraphEmulator> {
  const { app, admin, certificates } = await buildGraphEmulator(options);
  const host = options.host ?? "127.0.0.1";
  await app.listen({ port: options.port ?? 0, host });
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    caPath: certificates.caPath,
    caCertPem: certificates.caCertPem,
    admin,
    close: () => app.close(),
  };
}
