// What the routes and their use cases may use. server.ts (the one composition root) builds it;
// each use case takes only the part it needs (Pick<ApiDeps, …>).
import type { KeyObject } from "node:crypto";
import type { AlertQueue, Mailer, WebhookPolicy } from "@techsync/alerts";
import type { PrismaClient, SecretBox } from "@techsync/db";
import type { SyncQueue } from "@techsync/jobs";
import type { OutboundSettings } from "@techsync/outbound";
import type { RunEventSource } from "@techsync/runs";
import type { AttemptCounter } from "./auth/attempt-counter";
import type { ApiMetrics } from "./metrics";

export interface ApiDeps {
  prisma: PrismaClient;
  secretBox: SecretBox;
  syncQueue: SyncQueue;
  metrics: ApiMetrics;
  /** HS256 key shared with the portal's server. */
  portalTokenKey: KeyObject;
  /**
   * Where connections may go besides the fixed public destinations: the operator's emulators (sandbox tenants
   * only) and the Graph emulator's CA. From the environment, never from a tenant.
   */
  outbound: OutboundSettings;
  /**
   * Tells open run event streams that their run changed (Postgres LISTEN on one connection per process, from
   * `@techsync/runs`); without it, or while it is disconnected, streams re-read every `runEventsPollMs`.
   */
  runEvents?: RunEventSource;
  /** How often a run event stream re-reads the run when no change notification can arrive (~5 s). */
  runEventsPollMs: number;
  /** How long "sync this user now" waits for its run before answering 202 (default 30 s). */
  syncUserWaitMs?: number;
  /** How often an open run event stream sends an SSE comment line, so proxies keep it open (default 15 s). */
  runEventsHeartbeatMs?: number;
  /** Failed sign-ins and bad credentials, for the limits that pace guessing (auth/auth-limits.ts). */
  attemptCounter: AttemptCounter;
  /** Upper bound for one Rescue or Graph call of a connection test or picker (the outbound policy's total timeout). */
  upstreamTimeoutMs: number;
  /** The portal's origin: invitation links point at its accept page. */
  portalOrigin: string;
  /** How long a tenant's Graph notifications are gathered into one incremental run (default 1 s). */
  notificationDebounceMs?: number;
  /** Where alert deliveries are queued ("Send test"); absent: the deployment sends no alerts. */
  alertQueue?: AlertQueue;
  /** The SMTP path of invitations, password reset links (and, in the worker, alerts); absent: no mail server. */
  mailer?: Mailer;
  /** Which webhook URLs tenants may register (production: https and public addresses only). */
  webhookPolicy: WebhookPolicy;
}
