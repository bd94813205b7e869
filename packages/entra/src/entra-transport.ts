// HTTP for MSAL and the Graph client. Both would use Node's global fetch, which cannot be told to
// trust one extra CA after start-up (NODE_EXTRA_CA_CERTS is read once at process start). So both
// get undici's fetch with an Agent that trusts the configured CA: MSAL through system.networkClient,
// the Graph client through the last middleware of its chain. Without a CA, system roots are used.
import { createHash } from "node:crypto";
import { rootCertificates } from "node:tls";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { Agent, fetch as undiciFetch } from "undici";

export type TrustedFetch = (input: string, init?: Record<string, unknown>) => Promise<Response>;

export interface EntraCallStats {
  /** Graph HTTP calls, every attempt (retries included): what the run report counts. */
  graphCalls: number;
  tokenCalls: number;
  retries: number;
  throttled: number;
}

export function emptyCallStats(): EntraCallStats {
  return { graphCalls: 0, tokenCalls: 0, retries: 0, throttled: 0 };
}

const agents = new Map<string, Agent>();

/** One keep-alive Agent per trusted CA set, shared by every tenant that trusts the same CA. */
function agentFor(ca: string | readonly string[] | undefined): Agent {
  const pems = ca === undefined ? [] : typeof ca === "string" ? [ca] : [...ca];
  const key = createHash("sha256").update(pems.join("\n")).digest("hex");
  let agent = agents.get(key);
  if (!agent) {
    // The extra CA is added to, not swapped for, the system roots, so real Microsoft hosts still work.
    agent = new Agent({ connect: pems.length > 0 ? { ca: [...rootCertificates, ...pems] } : {}, connections: 64 });
    agents.set(key, agent);
  }
  return agent;
}

export function createTrustedFetch(ca: string | readonly string[] | undefined): TrustedFetch {
  const dispatcher = agentFor(ca);
  return (input, init) => undiciFetch(input, { ...init, dispatcher } as never) as unknown as Promise<Response>;
}

/** msal-node's INetworkModule over the trusted fetch (same contract as its built-in HttpClient). */
export class MsalNetworkClient implements INetworkModule {
  constructor(
    private readonly fetchWithTrust: TrustedFetch,
    private readonly stats: EntraCallStats,
  ) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>(url, "GET", options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, "POST", options);
  }

  private async send<T>(url: string, method: string, options?: NetworkRequestOptions, timeout?: number) {
    this.stats.tokenCalls += 1;
    const response = await this.fetchWithTrust(url, {
      method,
      headers: options?.headers ?? {},
      ...(method === "POST" ? { body: options?.body ?? "" } : {}),
      ...(timeout ? { signal: AbortSignal.timeout(timeout) } : {}),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    // A reply that is not JSON (an HTML page, another service) is reported without its content.
    const text = await response.text();
    let body: T;
    try {
      body = JSON.parse(text) as T;
    } catch {
      throw new Error(`The sign-in endpoint answered HTTP ${response.status} with something that is not JSON.`);
    }
    return { headers, body, status: response.status };
  }
}

/** Last link of the Graph client's middleware chain: sends the request with the trusted fetch and counts it. */
export class TrustedFetchHandler implements Middleware {
  constructor(
    private readonly fetchWithTrust: TrustedFetch,
    private readonly stats: EntraCallStats,
  ) {}

  async execute(context: Context): Promise<void> {
    this.stats.graphCalls += 1;
    const url = typeof context.request === "string" ? context.request : context.request.url;
    context.response = await this.fetchWithTrust(url, context.options as Record<string, unknown>);
  }
}
