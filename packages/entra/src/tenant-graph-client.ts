// Graph calls for one tenant through @microsoft/microsoft-graph-client: concurrency capped per
// tenant, 429/503/504 retried honouring Retry-After (else exponential backoff with jitter), one
// token refresh on 401, every attempt counted, failures typed with their request-id.
import {
  AuthenticationHandler,
  Client,
  type Context,
  GraphError,
  type GraphRequest,
} from "@microsoft/microsoft-graph-client";
import pLimit from "p-limit";
import { classifyGraphError, GraphRequestError, parseRetryAfter } from "./entra-errors";
import { type EntraCallStats, type TrustedFetch, TrustedFetchHandler } from "./entra-transport";
import type { TenantTokenProvider } from "./tenant-token-provider";

export const DEFAULT_GRAPH_BASE_URL = "https://graph.microsoft.com";

export interface GraphRetryPolicy {
  /** Retries of failures that came without Retry-After (backoff), default 5. */
  maxRetries?: number;
  /** Total time a call may spend waiting as Graph asked (Retry-After), default 10 minutes. */
  maxThrottleWaitMs?: number;
  /** First backoff step, default 1 s; doubles each retry, capped at 30 s, with jitter. */
  baseBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface TenantGraphClientOptions extends GraphRetryPolicy {
  graphBaseUrl?: string;
  maxConcurrency?: number;
}

export interface BatchItem {
  id: string;
  url: string;
  headers?: Record<string, string>;
}

export interface BatchItemResult {
  id: string;
  status: number;
  body: unknown;
  error?: GraphRequestError;
}

type Limiter = ReturnType<typeof pLimit>;
/** Per-tenant concurrency caps, shared by every source built for the same tenant and app in this process. */
const limiters = new Map<string, { limiter: Limiter; concurrency: number }>();

function limiterFor(key: string, concurrency: number): Limiter {
  const existing = limiters.get(key);
  if (existing && existing.concurrency === concurrency) return existing.limiter;
  const limiter = pLimit(concurrency);
  limiters.set(key, { limiter, concurrency });
  return limiter;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const RETRIED_STATUSES = new Set([429, 503, 504]);

export class TenantGraphClient {
  readonly client: Client;
  readonly baseUrl: string;
  private readonly middleware: AuthenticationHandler;
  private readonly customHosts: Set<string>;
  private readonly limiter: Limiter;
  private readonly maxRetries: number;
  private readonly maxThrottleWaitMs: number;
  private readonly baseBackoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly tokens: TenantTokenProvider,
    fetchWithTrust: TrustedFetch,
    private readonly stats: EntraCallStats,
    limiterKey: string,
    options: TenantGraphClientOptions = {},
  ) {
    this.baseUrl = (options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, "");
    const authentication = new AuthenticationHandler({
      getAccessToken: async () => (await tokens.acquire()).accessToken,
    });
    authentication.setNext(new TrustedFetchHandler(fetchWithTrust, stats));
    this.middleware = authentication;
    // The Graph client only attaches the token to Graph's own hosts unless told otherwise (#1562).
    this.customHosts = new Set([new URL(this.baseUrl).hostname]);
    this.client = Client.initWithMiddleware({
      middleware: authentication,
      baseUrl: `${this.baseUrl}/`,
      defaultVersion: "v1.0",
      customHosts: this.customHosts,
    });
    this.limiter = limiterFor(limiterKey, options.maxConcurrency ?? 4);
    this.maxRetries = options.maxRetries ?? 5;
    this.maxThrottleWaitMs = options.maxThrottleWaitMs ?? 10 * 60_000;
    this.baseBackoffMs = options.baseBackoffMs ?? 1000;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Exponential backoff with full jitter between half and all of the step. */
  backoffMs(retry: number): number {
    const step = Math.min(30_000, this.baseBackoffMs * 2 ** retry);
    return Math.round(step / 2 + Math.random() * (step / 2));
  }

  /** `path` is relative to the version (`/groups`) or an absolute Graph URL such as a nextLink, used verbatim. */
  request(path: string): GraphRequest {
    return this.client.api(path);
  }

  /** Runs one Graph call with the per-tenant cap, retries and typing. `build` is called per attempt. */
  async call<T>(build: () => Promise<T>): Promise<T> {
    let backoffRetries = 0;
    let throttleWaitMs = 0;
    let refreshedToken = false;
    for (;;) {
      // A token failure surfaces here, typed, rather than wrapped by the Graph client.
      await this.tokens.acquire();
      try {
        return await this.limiter(build);
      } catch (caught) {
        const error = classifyGraphError(caught);
        // 401: the token expired or was refused. 403: a cached token may predate a consent just granted.
        if ((error.kind === "tokenRejected" || error.kind === "consentMissing") && !refreshedToken) {
          refreshedToken = true;
          await this.tokens.acquire({ fresh: true });
          continue;
        }
        if (error.kind === "throttled") this.stats.throttled += 1;
        if (!error.retryable) throw error;
        let waitMs: number;
        if (error.retryAfterMs !== undefined) {
          throttleWaitMs += error.retryAfterMs;
          if (throttleWaitMs > this.maxThrottleWaitMs) throw error;
          waitMs = error.retryAfterMs;
        } else {
          if (backoffRetries >= this.maxRetries) throw error;
          waitMs = this.backoffMs(backoffRetries);
          backoffRetries += 1;
        }
        this.stats.retries += 1;
        await this.sleep(waitMs);
      }
    }
  }

  get<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
    return this.call(() => this.request(path).headers(headers).get() as Promise<T>);
  }

  /**
   * Follows a nextLink or deltaLink exactly as Graph gave it. `client.api(link)` would re-parse it and
   * reorder its query parameters; the links are opaque, so they go straight through the same
   * middleware chain (the SDK's AuthenticationHandler, then the trusted fetch) instead.
   */
  getLink<T>(link: string, headers: Record<string, string> = {}): Promise<T> {
    if (!link.startsWith(`${this.baseUrl}/`)) {
      throw new GraphRequestError("A paging link pointed away from the tenant's Graph host.", {
        kind: "badRequest",
        code: "foreignLink",
        hint: "This is likely a TechSync bug: report it.",
      });
    }
    return this.call(async () => {
      const context: Context = {
        request: link,
        options: { method: "GET", headers: { ...headers } },
        customHosts: this.customHosts,
      };
      await this.middleware.execute(context);
      const response = context.response as Response;
      const text = await response.text();
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      if (!response.ok) {
        const detail = (body as { error?: { code?: string; message?: string; innerError?: Record<string, string> } })
          .error;
        const error = new GraphError(response.status, detail?.message ?? response.statusText);
        error.code = detail?.code ?? null;
        error.requestId = detail?.innerError?.["request-id"] ?? response.headers.get("request-id");
        error.headers = response.headers;
        error.body = text;
        throw error;
      }
      return body as T;
    });
  }

  /**
   * JSON $batch (≤20 per request). Graph meters each inner request on its own and the SDK does not
   * retry inner failures, so inner 429/503/504 are resent here, after the largest Retry-After.
   */
  async batch(items: readonly BatchItem[]): Promise<BatchItemResult[]> {
    const results = new Map<string, BatchItemResult>();
    let pending = [...items];
    let throttleWaitMs = 0;
    for (let round = 0; pending.length > 0; round += 1) {
      const retryLater: BatchItem[] = [];
      let waitMs = 0;
      for (let start = 0; start < pending.length; start += 20) {
        const chunk = pending.slice(start, start + 20);
        const body = await this.call(
          () =>
            this.request("/$batch").post({
              requests: chunk.map((item) => ({
                id: item.id,
                method: "GET",
                url: item.url,
                headers: item.headers ?? {},
              })),
            }) as Promise<{
              responses: { id: string; status: number; headers?: Record<string, string>; body: unknown }[];
            }>,
        );
        for (const response of body.responses) {
          const item = chunk.find((candidate) => candidate.id === response.id);
          if (!item) continue;
          const retryAfter = Object.entries(response.headers ?? {}).find(
            ([name]) => name.toLowerCase() === "retry-after",
          )?.[1];
          if (RETRIED_STATUSES.has(response.status)) {
            if (response.status === 429) this.stats.throttled += 1;
            retryLater.push(item);
            waitMs = Math.max(waitMs, parseRetryAfter(retryAfter) ?? this.backoffMs(round));
            continue;
          }
          const result: BatchItemResult = { id: response.id, status: response.status, body: response.body };
          if (response.status >= 400) {
            result.error = classifyGraphError({
              statusCode: response.status,
              code: (response.body as { error?: { code?: string } } | null)?.error?.code,
              requestId: (response.body as { error?: { innerError?: Record<string, string> } } | null)?.error
                ?.innerError?.["request-id"],
              body: JSON.stringify(response.body),
            });
          }
          results.set(item.id, result);
        }
      }
      throttleWaitMs += waitMs;
      if (retryLater.length > 0 && (round >= this.maxRetries * 4 || throttleWaitMs > this.maxThrottleWaitMs)) {
        for (const item of retryLater) {
          results.set(item.id, {
            id: item.id,
            status: 429,
            body: null,
            error: classifyGraphError({ statusCode: 429, code: "TooManyRequests" }),
          });
        }
        break;
      }
      if (retryLater.length > 0) {
        this.stats.retries += retryLater.length;
        await this.sleep(waitMs);
      }
      pending = retryLater;
    }
    return items.map((item) => results.get(item.id) ?? { id: item.id, status: 0, body: null });
  }

  /** Subscribes to change notifications (Graph first calls `notificationUrl` to validate it). */
  createSubscription(request: GraphSubscriptionRequest): Promise<GraphSubscription> {
    return this.call(() => this.request("/subscriptions").post(request) as Promise<GraphSubscription>);
  }

  /** Renews a subscription (which also reauthorizes it); a 404 means it is gone and must be created again. */
  renewSubscription(id: string, expirationDateTime: string): Promise<GraphSubscription> {
    return this.call(
      () =>
        this.request(`/subscriptions/${encodeURIComponent(id)}`).patch({
          expirationDateTime,
        }) as Promise<GraphSubscription>,
    );
  }

  /** This app's subscriptions in the tenant (Graph never returns their clientState). */
  async listSubscriptions(): Promise<GraphSubscription[]> {
    const body = await this.get<{ value: GraphSubscription[] }>("/subscriptions");
    return body.value;
  }

  /** Deletes a subscription; one already gone counts as deleted. */
  async deleteSubscription(id: string): Promise<void> {
    try {
      await this.call(() => this.request(`/subscriptions/${encodeURIComponent(id)}`).delete() as Promise<unknown>);
    } catch (error) {
      if (error instanceof GraphRequestError && error.status === 404) return;
      throw error;
    }
  }
}

export interface GraphSubscriptionRequest {
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  resource: string;
  expirationDateTime: string;
  clientState: string;
}

export interface GraphSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  expirationDateTime: string;
}
