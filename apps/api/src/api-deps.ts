// What the routes and their use cases may use. server.ts (the one composition root) builds it;
// each use case takes only the part it needs (Pick<ApiDeps, …>, STYLE.md 3).
import type { KeyObject } from "node:crypto";
import type { PrismaClient, SecretBox } from "@techsync/db";
import type { SyncQueue } from "@techsync/jobs";
import type { ApiMetrics } from "./metrics";

export interface ApiDeps {
  prisma: PrismaClient;
  secretBox: SecretBox;
  syncQueue: SyncQueue;
  metrics: ApiMetrics;
  /** HS256 key shared with the portal's server. */
  portalTokenKey: KeyObject;
  /** PEM of the Graph emulator's CA, trusted for sandbox tenants' Entra connections. */
  graphCaPem: string | undefined;
  /** How often the run event stream re-reads the run (~1 s). */
  runEventsPollMs: number;
  /** Upper bound for one Rescue call of a connection test or picker. */
  upstreamTimeoutMs: number;
  /** The portal's origin: invitation links point at its accept page. */
  portalOrigin: string;
}
