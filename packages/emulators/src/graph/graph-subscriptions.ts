// Graph change-notification subscriptions on groups and users: the subscription resource's rules (handshake,
// duplicates, quota, expiry clamp, expiry removal) and the delivery of notifications to each notificationUrl,
// batched, with Graph's retries and the faults a test can switch on (delay, duplicates, drops, reordering).
import { randomUUID } from "node:crypto";

/** Graph's limit for group and user subscriptions: a little under 29 days. */
export const MAX_SUBSCRIPTION_MINUTES = 41_760;
/** Requested lifetimes under this are raised to it. */
export const MIN_SUBSCRIPTION_MINUTES = 45;
/** Subscriptions one app may hold in one tenant. */
export const MAX_SUBSCRIPTIONS_PER_APP_TENANT = 100;
/** How long Graph waits for the validation handshake's answer. */
export const VALIDATION_TIMEOUT_MS = 10_000;
/** A delivery answered later than this counts as failed and is retried. */
export const DELIVERY_TIMEOUT_MS = 3_000;

const RESOURCES = /^(groups|users)(\/[0-9a-f-]{36}(\/members)?)?$/i;
const CHANGE_TYPES = new Set(["updated", "deleted"]);

export interface EmulatedSubscription {
  id: string;
  tenantId: string;
  applicationId: string;
  creatorId: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationDateTime: string;
  latestSupportedTlsVersion: string;
}

export interface SubscriptionRequest {
  changeType?: unknown;
  notificationUrl?: unknown;
  resource?: unknown;
  expirationDateTime?: unknown;
  clientState?: unknown;
  lifecycleNotificationUrl?: unknown;
  latestSupportedTlsVersion?: unknown;
}

/** What a test can do to delivery; strict (prompt, once each, in order) by default. */
export interface DeliverySettings {
  /** Wait before each batch is sent: changes made meanwhile share the batch. */
  delayMs?: number;
  /** Send every batch twice. */
  duplicate?: boolean;
  /** Drop the next N notifications without sending them (Graph's "drop" throttling state). */
  dropNext?: number;
  /** Reverse the order of each batch's notifications. */
  reorder?: boolean;
  /** First retry after this; doubled each time (Graph retries for hours; tests want milliseconds). */
  retryBaseMs?: number;
  /** Attempts before a batch is given up. */
  maxAttempts?: number;
}

export interface DeliveryStats {
  /** POSTs made to notification URLs (deliveries, retries, lifecycle events; not handshakes). */
  posts: number;
  delivered: number;
  failedAttempts: number;
  givenUp: number;
  dropped: number;
}

export type SubscriptionError = { status: number; code: string; message: string };

/** A directory change as delivery sees it: the resource, what happened and, for groups, the members that moved. */
export interface DirectoryChange {
  kind: "group" | "user";
  id: string;
  changeType: "updated" | "deleted";
  membersDelta?: { id: string; removed: boolean }[];
}

interface PendingNotification {
  url: string;
  body: Record<string, unknown>;
}

export class SubscriptionStore {
  private readonly subscriptions = new Map<string, EmulatedSubscription>();
  private pending: PendingNotification[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  settings: DeliverySettings = {};
  readonly stats: DeliveryStats = emptyDeliveryStats();

  constructor(
    /** The emulator's clock (tests move it to expire subscriptions). */
    readonly now: () => number,
    private readonly caFetch: typeof fetch = fetch,
  ) {}

  /** Subscriptions past their expiry are gone, as in Graph. */
  private sweep() {
    for (const [id, subscription] of this.subscriptions) {
      if (Date.parse(subscription.expirationDateTime) <= this.now()) this.subscriptions.delete(id);
    }
  }

  list(tenantId: string, applicationId: string): EmulatedSubscription[] {
    this.sweep();
    return [...this.subscriptions.values()].filter(
      (subscription) => subscription.tenantId === tenantId && subscription.applicationId === applicationId,
    );
  }

  get(tenantId: string, applicationId: string, id: string): EmulatedSubscription | undefined {
    return this.list(tenantId, applicationId).find((subscription) => subscription.id === id);
  }

  /** Every live subscription of every tenant (admin view). */
  all(): EmulatedSubscription[] {
    this.sweep();
    return [...this.subscriptions.values()];
  }

  clear() {
    this.subscriptions.clear();
    this.pending = [];
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.settings = {};
    Object.assign(this.stats, emptyDeliveryStats());
  }

  /** The requested expiry, clamped as Graph does: raised to 45 minutes, refused past 41,760. */
  private expiry(value: unknown): string | SubscriptionError {
    const at = typeof value === "string" ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(at)) return badRequest("expirationDateTime must be a date and time in UTC.");
    const minutes = (at - this.now()) / 60_000;
    if (minutes > MAX_SUBSCRIPTION_MINUTES) {
      return {
        status: 400,
        code: "ExtensionError",
        message: `Subscription expiration can only be ${MAX_SUBSCRIPTION_MINUTES} minutes in the future.`,
      };
    }
    return new Date(Math.max(at, this.now() + MIN_SUBSCRIPTION_MINUTES * 60_000)).toISOString();
  }

  async create(
    tenantId: string,
    applicationId: string,
    request: SubscriptionRequest,
  ): Promise<EmulatedSubscription | SubscriptionError> {
    const { changeType, notificationUrl, resource, clientState, lifecycleNotificationUrl } = request;
    if (typeof changeType !== "string" || !changeType.split(",").every((type) => CHANGE_TYPES.has(type.trim()))) {
      return badRequest("changeType must be one or more of: updated, deleted.");
    }
    if (typeof resource !== "string" || !RESOURCES.test(resource.replace(/^\//, ""))) {
      return badRequest(`Resource '${String(resource)}' is not supported.`);
    }
    if (typeof notificationUrl !== "string" || !isHttpUrl(notificationUrl)) {
      return badRequest("notificationUrl must be an absolute HTTPS URL.");
    }
    if (
      lifecycleNotificationUrl !== undefined &&
      (typeof lifecycleNotificationUrl !== "string" || !isHttpUrl(lifecycleNotificationUrl))
    ) {
      return badRequest("lifecycleNotificationUrl must be an absolute URL.");
    }
    if (clientState !== undefined && (typeof clientState !== "string" || clientState.length > 128)) {
      return badRequest("clientState must be at most 128 characters.");
    }
    const expirationDateTime = this.expiry(request.expirationDateTime);
    if (typeof expirationDateTime !== "string") return expirationDateTime;
    const normalisedResource = resource.replace(/^\//, "");
    const mine = this.list(tenantId, applicationId);
    const duplicate = mine.find(
      (existing) =>
        existing.resource.toLowerCase() === normalisedResource.toLowerCase() &&
        sameChangeTypes(existing.changeType, changeType),
    );
    if (duplicate) {
      return {
        status: 409,
        code: "ExtensionError",
        message: `Subscription Id ${duplicate.id} already exists for the requested combination`,
      };
    }
    if (mine.length >= MAX_SUBSCRIPTIONS_PER_APP_TENANT) {
      return {
        status: 403,
        code: "ExtensionError",
        message: `Operation: Create; Exception: [Status Code: Forbidden; Reason: The number of subscriptions per app per tenant (${MAX_SUBSCRIPTIONS_PER_APP_TENANT}) has been exceeded.]`,
      };
    }
    for (const url of [notificationUrl, lifecycleNotificationUrl]) {
      if (typeof url === "string" && !(await this.validate(url))) {
        return badRequest(
          `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.`,
        );
      }
    }
    const subscription: EmulatedSubscription = {
      id: randomUUID(),
      tenantId,
      applicationId,
      creatorId: randomUUID(),
      resource: normalisedResource,
      changeType,
      notificationUrl,
      lifecycleNotificationUrl: typeof lifecycleNotificationUrl === "string" ? lifecycleNotificationUrl : null,
      clientState: typeof clientState === "string" ? clientState : null,
      expirationDateTime,
      latestSupportedTlsVersion:
        typeof request.latestSupportedTlsVersion === "string" ? request.latestSupportedTlsVersion : "v1_2",
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  /** Renews (and so reauthorizes) a subscription; may also move its notificationUrl. */
  async update(
    tenantId: string,
    applicationId: string,
    id: string,
    request: SubscriptionRequest,
  ): Promise<EmulatedSubscription | SubscriptionError> {
    const subscription = this.get(tenantId, applicationId, id);
    if (!subscription) return notFound(id);
    const changes: Partial<EmulatedSubscription> = {};
    if (request.expirationDateTime !== undefined) {
      const expirationDateTime = this.expiry(request.expirationDateTime);
      if (typeof expirationDateTime !== "string") return expirationDateTime;
      changes.expirationDateTime = expirationDateTime;
    }
    if (request.notificationUrl !== undefined) {
      if (typeof request.notificationUrl !== "string" || !isHttpUrl(request.notificationUrl)) {
        return badRequest("notificationUrl must be an absolute HTTPS URL.");
      }
      if (!(await this.validate(request.notificationUrl))) {
        return badRequest(
          "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.",
        );
      }
      changes.notificationUrl = request.notificationUrl;
    }
    Object.assign(subscription, changes);
    return subscription;
  }

  delete(tenantId: string, applicationId: string, id: string): boolean {
    const subscription = this.get(tenantId, applicationId, id);
    return subscription ? this.subscriptions.delete(subscription.id) : false;
  }

  /** The handshake: POST ?validationToken=… and expect exactly the decoded token back, as text, within 10 s. */
  private async validate(url: string): Promise<boolean> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()} & more?`;
    const target = new URL(url);
    target.searchParams.set("validationToken", token);
    try {
      const response = await this.caFetch(target, {
        method: "POST",
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: "",
        signal: AbortSignal.timeout(VALIDATION_TIMEOUT_MS),
      });
      const type = response.headers.get("content-type") ?? "";
      const body = await response.text();
      return response.status === 200 && type.startsWith("text/plain") && body === token;
    } catch {
      return false;
    }
  }

  /** A directory change: one notification per matching subscription, sent in batches per notificationUrl. */
  notify(tenantId: string, change: DirectoryChange) {
    for (const subscription of this.all()) {
      if (subscription.tenantId !== tenantId || !matches(subscription, change)) continue;
      const typeName = change.kind === "group" ? "Group" : "User";
      const path = `${typeName}s/${change.id}`;
      const resourceData: Record<string, unknown> = {
        "@odata.type": `#Microsoft.Graph.${typeName}`,
        "@odata.id": path,
        id: change.id,
        organizationId: tenantId,
        eventTime: new Date(this.now()).toISOString(),
        sequenceNumber: String(this.now()),
      };
      // Seen in live group payloads though undocumented; `@removed` there is a string, not delta's object.
      if (change.membersDelta?.length) {
        resourceData["members@delta"] = change.membersDelta.map((member) =>
          member.removed ? { id: member.id, "@removed": "deleted" } : { id: member.id },
        );
      }
      this.enqueue(subscription.notificationUrl, {
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: subscription.expirationDateTime,
        tenantId,
        ...(subscription.clientState !== null ? { clientState: subscription.clientState } : {}),
        changeType: change.changeType,
        resource: path,
        resourceData,
      });
    }
  }

  /** A lifecycle event (e.g. reauthorizationRequired) to the subscription's lifecycleNotificationUrl, if it has one. */
  lifecycleEvent(id: string, lifecycleEvent: "reauthorizationRequired" | "subscriptionRemoved" | "missed"): boolean {
    const subscription = this.all().find((candidate) => candidate.id === id);
    if (!subscription?.lifecycleNotificationUrl) return false;
    this.enqueue(subscription.lifecycleNotificationUrl, {
      subscriptionId: subscription.id,
      subscriptionExpirationDateTime: subscription.expirationDateTime,
      tenantId: subscription.tenantId,
      ...(subscription.clientState !== null ? { clientState: subscription.clientState } : {}),
      lifecycleEvent,
    });
    return true;
  }

  private enqueue(url: string, body: Record<string, unknown>) {
    if ((this.settings.dropNext ?? 0) > 0) {
      this.settings.dropNext = (this.settings.dropNext ?? 0) - 1;
      this.stats.dropped += 1;
      return;
    }
    this.pending.push({ url, body });
    // Changes made in one tick (or within the configured delay) share a batch, as Graph batches them.
    this.flushTimer ??= setTimeout(() => this.flush(), this.settings.delayMs ?? 0);
  }

  private flush() {
    this.flushTimer = undefined;
    const byUrl = new Map<string, Record<string, unknown>[]>();
    for (const { url, body } of this.pending) byUrl.set(url, [...(byUrl.get(url) ?? []), body]);
    this.pending = [];
    for (const [url, notifications] of byUrl) {
      const value = this.settings.reorder ? [...notifications].reverse() : notifications;
      const copies = this.settings.duplicate ? 2 : 1;
      for (let i = 0; i < copies; i += 1) this.track(this.deliver(url, { value }, 1));
    }
  }

  private track(delivery: Promise<void>) {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  /** Delivered = 2xx within 3 s (10 s on a retry); otherwise retried with exponential backoff, then given up. */
  private async deliver(url: string, payload: unknown, attempt: number): Promise<void> {
    this.stats.posts += 1;
    const started = Date.now();
    let ok = false;
    try {
      const response = await this.caFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(attempt === 1 ? DELIVERY_TIMEOUT_MS : VALIDATION_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      ok = response.status >= 200 && response.status < 300 && Date.now() - started <= DELIVERY_TIMEOUT_MS;
    } catch {
      ok = false;
    }
    if (ok) {
      this.stats.delivered += 1;
      return;
    }
    this.stats.failedAttempts += 1;
    if (attempt >= (this.settings.maxAttempts ?? 5)) {
      this.stats.givenUp += 1;
      return;
    }
    const wait = (this.settings.retryBaseMs ?? 1_000) * 2 ** (attempt - 1);
    await new Promise((resolve) => setTimeout(resolve, wait));
    return this.deliver(url, payload, attempt + 1);
  }

  /** Resolves once nothing is waiting to be sent or being sent (tests). */
  async settled(): Promise<void> {
    while (this.flushTimer || this.pending.length > 0 || this.inFlight.size > 0) {
      await Promise.all([...this.inFlight]);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

function emptyDeliveryStats(): DeliveryStats {
  return { posts: 0, delivered: 0, failedAttempts: 0, givenUp: 0, dropped: 0 };
}

function badRequest(message: string): SubscriptionError {
  return { status: 400, code: "InvalidRequest", message };
}

export function notFound(id: string): SubscriptionError {
  return { status: 404, code: "ResourceNotFound", message: `The object was not found. Subscription id: ${id}` };
}

/** Graph only calls HTTPS endpoints; plain HTTP is accepted for loopback addresses alone (local tests). */
function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    return url.protocol === "https:" || (url.protocol === "http:" && loopback);
  } catch {
    return false;
  }
}

function sameChangeTypes(a: string, b: string): boolean {
  const set = (value: string) =>
    value
      .split(",")
      .map((type) => type.trim())
      .sort()
      .join(",");
  return set(a) === set(b);
}

/** Whether a change falls under a subscription's resource and change types. */
function matches(subscription: EmulatedSubscription, change: DirectoryChange): boolean {
  const types = subscription.changeType.split(",").map((type) => type.trim());
  if (!types.includes(change.changeType)) return false;
  const [collection, id, members] = subscription.resource.toLowerCase().split("/");
  if (collection !== (change.kind === "group" ? "groups" : "users")) return false;
  if (id && id !== change.id.toLowerCase()) return false;
  if (members && !change.membersDelta?.length) return false;
  return true;
}
