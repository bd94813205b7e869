// The emulator's shared state: tenants, signing key, faults, counters and open delta rounds.
import type { CryptoKey, JWK } from "jose";
import type { EmulatedTenant } from "./emulated-tenant";
import type { FaultInjector, GraphEmulatorStats } from "./fault-injection";
import type { SubscriptionStore } from "./graph-subscriptions";

export interface DeltaRound {
  pages: Record<string, unknown>[][];
  deltaToken: string;
}

export interface GraphEmulatorContext {
  tenants: Map<string, EmulatedTenant>;
  signing: { privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK; kid: string };
  faults: FaultInjector;
  stats: GraphEmulatorStats;
  /** Rounds in progress, so follow-up pages of one delta round are a stable snapshot. */
  deltaRounds: Map<string, DeltaRound>;
  /** The last Graph request URLs (path and query as received), newest last: lets tests see what a client sent. */
  recentRequests: string[];
  /** Bumped to invalidate every delta token issued so far. */
  deltaEpoch: number;
  /** Change-notification subscriptions and their delivery. */
  subscriptions: SubscriptionStore;
  options: { tokenLifetimeSeconds: number; deltaPageSize: number; deltaMembersPerEntry: number };
}
