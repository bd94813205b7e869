// The in-process handle on the emulator's state; the /_emulator routes call the same methods.
import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair } from "jose";
import { EmulatedTenant, type TenantSeed } from "./emulated-tenant";
import { emptyStats, type GraphEmulatorStats, type GraphFaults } from "./fault-injection";
import type { GraphEmulatorContext } from "./graph-emulator-context";
import type { DeliverySettings, SubscriptionStore } from "./graph-subscriptions";

export class GraphEmulatorAdmin {
  constructor(
    private readonly context: GraphEmulatorContext,
    private readonly seeds: () => TenantSeed[],
  ) {}

  get stats(): GraphEmulatorStats {
    return this.context.stats;
  }

  get faults(): GraphFaults {
    return this.context.faults.settings;
  }

  /** The last Graph request URLs (path and query as received), newest last. */
  get recentRequests(): readonly string[] {
    return this.context.recentRequests;
  }

  tenant(tenantId: string): EmulatedTenant | undefined {
    return this.context.tenants.get(tenantId.toLowerCase());
  }

  /** The tenant or a thrown error: for tests, where a missing tenant is a bug in the test. */
  requireTenant(tenantId: string): EmulatedTenant {
    const tenant = this.tenant(tenantId);
    if (!tenant) throw new Error(`no emulated tenant ${tenantId}`);
    return tenant;
  }

  addTenant(seed: TenantSeed): EmulatedTenant {
    const tenant = new EmulatedTenant(seed);
    tenant.onChange = (change) => this.context.subscriptions.notify(tenant.tenantId, change);
    this.context.tenants.set(tenant.tenantId.toLowerCase(), tenant);
    return tenant;
  }

  /** Back to the seeded directories, no faults, counters at zero. */
  reset() {
    this.context.tenants.clear();
    for (const seed of this.seeds()) this.addTenant(seed);
    this.context.faults.configure({});
    this.context.deltaRounds.clear();
    this.context.recentRequests.length = 0;
    this.context.subscriptions.clear();
    this.resetStats();
  }

  setFaults(faults: GraphFaults) {
    this.context.faults.configure(faults);
  }

  resetStats() {
    Object.assign(this.context.stats, emptyStats());
  }

  /** A new signing key: every token issued so far fails validation (401), as after a key rollover. */
  async rotateSigningKey() {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const kid = randomUUID();
    this.context.signing = {
      privateKey,
      publicKey,
      kid,
      publicJwk: { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" },
    };
  }

  get subscriptions(): SubscriptionStore {
    return this.context.subscriptions;
  }

  setDelivery(settings: DeliverySettings) {
    this.context.subscriptions.settings = { ...settings };
  }

  /** Sends a lifecycle event (e.g. reauthorizationRequired) for a subscription; false if it has no lifecycle URL. */
  sendLifecycleEvent(subscriptionId: string, event: "reauthorizationRequired" | "subscriptionRemoved" | "missed") {
    return this.context.subscriptions.lifecycleEvent(subscriptionId, event);
  }

  expireDeltaTokens() {
    this.context.deltaEpoch += 1;
  }

  describe() {
    return {
      tenants: [...this.context.tenants.values()].map((tenant) => ({
        tenantId: tenant.tenantId,
        domain: tenant.domain,
        users: tenant.users.size,
        directoryObjects: tenant.directoryObjects.size,
        groups: [...tenant.groups.values()].map((group) => ({
          id: group.id,
          displayName: group.displayName,
          directMembers: group.members.size,
        })),
        apps: [...tenant.apps.values()].map((app) => ({
          clientId: app.clientId,
          displayName: app.displayName,
          roles: app.roles,
        })),
      })),
      faults: this.faults,
      stats: this.stats,
    };
  }
}
