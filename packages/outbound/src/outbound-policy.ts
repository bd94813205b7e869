// The one policy for every request API and worker send to a tenant's Rescue or Entra destination:
// - only the destination's own origins (anything else is refused before a socket is opened);
// - the host is resolved here, every address it resolves to must be a public unicast address (no loopback,
//   private, link-local, metadata, unique-local, CGNAT, unspecified, multicast or reserved address), and the
//   socket connects to that very address, so a DNS answer that changes between check and connect (rebinding)
//   cannot slip through; only the operator's emulators are exempt;
// - connect and total timeouts; no redirects are followed (a 3xx reaches the caller as a status).
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { rootCertificates } from "node:tls";
import ipaddr from "ipaddr.js";
import { Agent, buildConnector, fetch as undiciFetch } from "undici";

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (tests pass a fake; the default is the system resolver). */
export type Resolve = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface OutboundPolicyOptions {
  /** The only origins (scheme://host[:port]) requests may go to: the destination's own. */
  allowedOrigins: readonly string[];
  /** True only for the operator-configured emulators, which live on loopback or a private network. */
  allowPrivateAddresses?: boolean;
  /** Time to open the connection (TCP and TLS). Default 10 s. */
  connectTimeoutMs?: number;
  /** Time for the whole exchange, body included. Default 30 s. */
  totalTimeoutMs?: number;
  /** Extra CA certificate(s) (PEM), added to the system roots (the Graph emulator's local CA). */
  ca?: string | readonly string[] | undefined;
  resolve?: Resolve;
}

/** The request was refused by the policy before anything was sent. Its message names no response content. */
export class OutboundRefusedError extends Error {
  readonly code = "OUTBOUND_REFUSED";
  constructor(message: string) {
    super(message);
    this.name = "OutboundRefusedError";
  }
}

export type OutboundFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * Why an address may not be connected to, or undefined for a public unicast address. IPv4-mapped IPv6
 * addresses are judged as the IPv4 address they carry; other IPv6 forms that embed an IPv4 address (6to4,
 * Teredo, NAT64) are refused outright.
 */
export function addressRefusal(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range === "unicast") return undefined;
  const text = parsed.toString();
  if (text === "169.254.169.254" || text === "fd00:ec2::254") return `${text} is a cloud metadata address`;
  return `${text} is a ${range} address, not a public one`;
}

const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

function pemsOf(ca: OutboundPolicyOptions["ca"]): string[] {
  return ca === undefined ? [] : typeof ca === "string" ? [ca] : [...ca];
}

/** The address to connect to: the host's first address, after every one of them passed the policy. */
async function checkedAddress(hostname: string, options: OutboundPolicyOptions): Promise<string> {
  const bare = hostname.replace(/^\[(.*)\]$/, "$1");
  const addresses: readonly ResolvedAddress[] = isIP(bare)
    ? [{ address: bare, family: isIP(bare) }]
    : await (options.resolve ?? systemResolve)(bare);
  if (addresses.length === 0) throw new OutboundRefusedError(`${bare} did not resolve to any address`);
  if (!options.allowPrivateAddresses) {
    for (const { address } of addresses) {
      const refusal = addressRefusal(address);
      if (refusal) throw new OutboundRefusedError(`Refused to connect to ${bare}: ${refusal}.`);
    }
  }
  return addresses[0]!.address;
}

/** An undici Agent whose every connection goes through the address policy. */
export function createOutboundAgent(options: OutboundPolicyOptions): Agent {
  const pems = pemsOf(options.ca);
  const totalTimeoutMs = options.totalTimeoutMs ?? 30_000;
  const connectTls = buildConnector({
    timeout: options.connectTimeoutMs ?? 10_000,
    ...(pems.length > 0 ? { ca: [...rootCertificates, ...pems] } : {}),
  });
  const connect: buildConnector.connector = (connectOptions, callback) => {
    checkedAddress(connectOptions.hostname, options).then(
      // Connect to the address that was checked; TLS still verifies the certificate against the host name.
      (address) => connectTls({ ...connectOptions, hostname: address }, callback),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
  return new Agent({ connect, headersTimeout: totalTimeoutMs, bodyTimeout: totalTimeoutMs, connections: 64 });
}

const agents = new Map<string, Agent>();
const agentsByResolver = new WeakMap<Resolve, Map<string, Agent>>();

/** One Agent per policy (origins, address rule, timeouts, CA, resolver), shared by every client with that policy. */
function sharedAgent(options: OutboundPolicyOptions): Agent {
  let cache = agents;
  if (options.resolve) {
    cache = agentsByResolver.get(options.resolve) ?? new Map<string, Agent>();
    agentsByResolver.set(options.resolve, cache);
  }
  const key = JSON.stringify([
    [...options.allowedOrigins].sort(),
    options.allowPrivateAddresses ?? false,
    options.connectTimeoutMs ?? null,
    options.totalTimeoutMs ?? null,
    pemsOf(options.ca),
  ]);
  let agent = cache.get(key);
  if (!agent) {
    agent = createOutboundAgent(options);
    cache.set(key, agent);
  }
  return agent;
}

/**
 * A fetch bound to one destination's origins under the policy. Errors are the transport's (a refusal is an
 * OutboundRefusedError, possibly as the `cause` of fetch's TypeError); none carries a response body.
 */
export function createOutboundFetch(options: OutboundPolicyOptions): OutboundFetch {
  const allowed = new Set(options.allowedOrigins.map((origin) => new URL(origin).origin));
  const totalTimeoutMs = options.totalTimeoutMs ?? 30_000;
  const dispatcher = sharedAgent(options);
  return async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input.href);
    if (!allowed.has(url.origin)) {
      throw new OutboundRefusedError(`Refused to send a request to ${url.origin}: not this connection's destination.`);
    }
    if (url.username || url.password) throw new OutboundRefusedError("Refused a URL that carries credentials.");
    const timeout = AbortSignal.timeout(totalTimeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const response = await undiciFetch(url, { ...(init as object), signal, redirect: "manual", dispatcher } as never);
    return response as unknown as Response;
  };
}

/** True when an error (or its cause) is a policy refusal. */
export function isOutboundRefusal(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    if (current instanceof OutboundRefusedError) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
