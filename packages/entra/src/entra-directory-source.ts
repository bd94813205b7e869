// sync-core's DirectorySource over Microsoft Graph, app-only, for one customer tenant.
import { createHash } from "node:crypto";
import type {
  DirectoryGroup,
  DirectorySource,
  DirectoryUser,
  GroupMembersOptions,
  GroupSearchPage,
  SkippedDirectoryMember,
} from "@techsync/sync-core";
import {
  type DeltaCursor,
  type DirectoryChanges,
  type IncrementalMapping,
  readDirectoryChanges,
  startDeltaCursors,
} from "./directory-changes";
import {
  type DeltaPage,
  type GroupDeltaChange,
  readGroupsDelta,
  readUsersDelta,
  type UserDeltaChange,
} from "./directory-delta";
import {
  classifyMember,
  GROUP_SELECT,
  type GraphGroupObject,
  type GraphMemberObject,
  type GraphUserObject,
  toDirectoryGroup,
  toDirectoryUser,
  USER_SELECT,
} from "./directory-objects";
import { EntraError, GraphRequestError } from "./entra-errors";
import { createTrustedFetch, type EntraCallStats, emptyCallStats, type TrustedFetch } from "./entra-transport";
import { type GraphRetryPolicy, TenantGraphClient } from "./tenant-graph-client";
import { TenantTokenProvider } from "./tenant-token-provider";

export interface EntraConnectionConfig extends GraphRetryPolicy {
  /** Directory (tenant) id: a GUID, or the tenant's verified domain. */
  tenantId: string;
  /** Application (client) id of the customer's app registration. */
  clientId: string;
  /** The client secret's value. */
  clientSecret: string;
  /** Default https://login.microsoftonline.com; the emulator's URL in tests and sandbox mode. */
  authorityHost?: string;
  /** Let MSAL fetch the openid-configuration rather than being given the endpoints (default false). */
  discoverAuthorityMetadata?: boolean;
  /** Default https://graph.microsoft.com; the emulator's URL in tests and sandbox mode. */
  graphBaseUrl?: string;
  /** Extra CA certificate(s) (PEM) to trust, e.g. the emulator's; added to the system roots. Ignored with `fetch`. */
  ca?: string | readonly string[];
  /**
   * The HTTP client for MSAL and Graph, e.g. one bound to the destination by the outbound policy. Default: undici
   * with the system roots plus `ca`.
   */
  fetch?: TrustedFetch;
  /** The app-only token scope, the cloud's own Graph resource. Default https://graph.microsoft.com/.default. */
  graphScope?: string;
  /** Graph calls in flight at once for this tenant (default 4). */
  maxConcurrency?: number;
  /** How the group picker searches: `$search` on word prefixes (default), or `startswith` on the name. */
  groupSearchMode?: "search" | "startswith";
}

export interface EntraDirectorySource extends DirectorySource {
  /** Several groups in one go, through JSON $batch (20 per round trip); null for ids that do not exist. */
  getGroups(groupIds: readonly string[]): Promise<Map<string, DirectoryGroup | null>>;
  /** Direct membership changes of up to 50 mapped groups since `deltaLink` (none: the initial round). */
  groupsDelta(options: { groupIds: readonly string[]; deltaLink?: string }): AsyncIterable<DeltaPage<GroupDeltaChange>>;
  /** User changes and removals since `deltaLink` (none: the initial round, every user). */
  usersDelta(options?: { deltaLink?: string }): AsyncIterable<DeltaPage<UserDeltaChange>>;
  /** Incremental runs: what changed for the mapped groups' users since the stored delta links. */
  readChanges(options: {
    mappings: readonly IncrementalMapping[];
    cursors: readonly DeltaCursor[];
  }): Promise<DirectoryChanges>;
  /** Delta links "from now" for these mappings' groups (and the groups nested in them) and for users. */
  startDeltaCursors(mappings: readonly IncrementalMapping[]): Promise<DeltaCursor[]>;
  /** Graph calls, token calls, retries and throttled answers so far. */
  callStats(): EntraCallStats;
  /** The user picker: users whose name, email or sign-in name starts with a word of `query`, a page at a time. */
  searchUsers(query: string, options?: { pageToken?: string; pageSize?: number }): Promise<UserSearchPage>;
  groupsHolding(objectId: string, kind: "user" | "group"): Promise<DirectoryGroup[]>;
  /** One user by object id; null when the directory has no such user. */
  getUser(userId: string): Promise<DirectoryUser | null>;
}

export interface UserSearchPage {
  users: DirectoryUser[];
  nextPageToken?: string;
}

interface PagedResponse<T> {
  value: T[];
  "@odata.nextLink"?: string;
  "@odata.count"?: number;
}

/** Advanced queries ($search, $count, casts on transitiveMembers) need this header on every page. */
const EVENTUAL = { ConsistencyLevel: "eventual" };
const PAGE_SIZE = 999;

export interface EntraTenantClients {
  tokens: TenantTokenProvider;
  graph: TenantGraphClient;
  stats: EntraCallStats;
}

const tokenProviders = new Map<string, TenantTokenProvider>();

/** Drops every cached token provider (and so MSAL's token caches): e.g. after a tenant's consent was revoked. */
export function forgetCachedTokens(): void {
  tokenProviders.clear();
}

/**
 * One token provider (one ConfidentialClientApplication, one MSAL cache) per tenant + app + secret +
 * authority in this process, so runs of the same tenant reuse its cached token.
 */
export function createTenantClients(
  config: EntraConnectionConfig,
  stats: EntraCallStats = emptyCallStats(),
): EntraTenantClients {
  const fetchWithTrust = config.fetch ?? createTrustedFetch(config.ca);
  const key = createHash("sha256")
    .update(
      JSON.stringify([
        config.tenantId,
        config.clientId,
        config.clientSecret,
        config.authorityHost ?? "",
        config.graphScope ?? "",
        config.ca ?? "",
      ]),
    )
    .digest("hex");
  let tokens = tokenProviders.get(key);
  if (!tokens) {
    tokens = new TenantTokenProvider(config, fetchWithTrust);
    tokenProviders.set(key, tokens);
  }
  const graph = new TenantGraphClient(tokens, fetchWithTrust, stats, `${config.tenantId}/${config.clientId}`, {
    ...(config.graphBaseUrl ? { graphBaseUrl: config.graphBaseUrl } : {}),
    ...(config.maxConcurrency ? { maxConcurrency: config.maxConcurrency } : {}),
    ...(config.maxRetries !== undefined ? { maxRetries: config.maxRetries } : {}),
    ...(config.maxThrottleWaitMs !== undefined ? { maxThrottleWaitMs: config.maxThrottleWaitMs } : {}),
    ...(config.baseBackoffMs !== undefined ? { baseBackoffMs: config.baseBackoffMs } : {}),
    ...(config.sleep ? { sleep: config.sleep } : {}),
  });
  return { tokens, graph, stats };
}

function encodePageToken(nextLink: string): string {
  return Buffer.from(nextLink, "utf8").toString("base64url");
}

function decodePageToken(token: string, graphBaseUrl: string): string {
  const nextLink = Buffer.from(token, "base64url").toString("utf8");
  // Only follow links back to this tenant's Graph host: the token comes from a browser.
  if (!nextLink.startsWith(`${graphBaseUrl}/`)) {
    throw new EntraError("The page token is not valid.", {
      kind: "badRequest",
      code: "invalidPageToken",
      hint: "Start the search again.",
    });
  }
  return nextLink;
}

/** A `$count` body: the number itself, or (inside a JSON batch) its text base64-encoded. */
function plainNumber(body: string): number | null {
  const text = /^\s*\d+\s*$/.test(body) ? body : Buffer.from(body, "base64").toString("utf8");
  return /^\s*\d+\s*$/.test(text) ? Number(text.trim()) : null;
}

/** OData string literal: single quotes doubled. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function createEntraDirectorySource(config: EntraConnectionConfig): EntraDirectorySource {
  const stats = emptyCallStats();
  const { graph, tokens } = createTenantClients(config, stats);
  // Token calls are the tenant's (its token cache is shared); report those made since this source began.
  const tokenCallsBefore = tokens.tokenCalls;
  const searchMode = config.groupSearchMode ?? "search";

  async function searchGroups(
    query: string,
    options: { pageToken?: string; pageSize?: number } = {},
  ): Promise<GroupSearchPage> {
    let page: PagedResponse<GraphGroupObject>;
    if (options.pageToken) {
      page = await graph.getLink(decodePageToken(options.pageToken, graph.baseUrl), EVENTUAL);
    } else {
      const top = Math.min(Math.max(options.pageSize ?? 25, 1), PAGE_SIZE);
      const term = query.trim();
      page = await graph.call(() => {
        const request = graph
          .request("/groups")
          .select([...GROUP_SELECT])
          .top(top)
          .headers(EVENTUAL);
        // $count=true: the true number of matches across every page (Graph gives it only with ConsistencyLevel).
        if (!term) return request.count(true).get();
        if (searchMode === "startswith")
          return request
            .filter(`startswith(displayName,${odataString(term)})`)
            .count(true)
            .get();
        // $search wants the clause in double quotes; quotes and backslashes inside would end it early.
        return request
          .search(`"displayName:${term.replace(/["\\]/g, " ")}"`)
          .count(true)
          .get();
      });
    }
    const nextLink = page["@odata.nextLink"];
    const totalCount = (page as { "@odata.count"?: unknown })["@odata.count"];
    return {
      groups: page.value.map(toDirectoryGroup),
      ...(nextLink ? { nextPageToken: encodePageToken(nextLink) } : {}),
      ...(typeof totalCount === "number" ? { totalCount } : {}),
    };
  }

  /** `/groups/{id}/members/$count` for each group, 20 to a JSON $batch; null where Graph would not say. */
  async function countGroupMembers(groupIds: readonly string[]): Promise<Map<string, number | null>> {
    const unique = [...new Set(groupIds)];
    const counts = new Map<string, number | null>();
    if (unique.length === 0) return counts;
    const results = await graph.batch(
      unique.map((id, index) => ({
        id: String(index),
        url: `/groups/${encodeURIComponent(id)}/members/$count`,
        headers: EVENTUAL,
      })),
    );
    for (const result of results) {
      const groupId = unique[Number(result.id)] as string;
      // A plain-text inner body comes back base64-encoded in a JSON batch.
      const value = typeof result.body === "string" ? plainNumber(result.body) : result.body;
      counts.set(groupId, !result.error && typeof value === "number" && Number.isInteger(value) ? value : null);
    }
    return counts;
  }

  async function searchUsers(
    query: string,
    options: { pageToken?: string; pageSize?: number } = {},
  ): Promise<UserSearchPage> {
    let page: PagedResponse<GraphUserObject>;
    if (options.pageToken) {
      page = await graph.getLink(decodePageToken(options.pageToken, graph.baseUrl), EVENTUAL);
    } else {
      const top = Math.min(Math.max(options.pageSize ?? 25, 1), PAGE_SIZE);
      // $search wants each clause in double quotes; quotes and backslashes inside would end it early.
      const term = query.trim().replace(/["\\]/g, " ");
      page = await graph.call(() => {
        const request = graph
          .request("/users")
          .select([...USER_SELECT])
          .top(top)
          .headers(EVENTUAL);
        if (!term) return request.get();
        return request
          .search(`"displayName:${term}" OR "mail:${term}" OR "userPrincipalName:${term}"`)
          .count(true)
          .get();
      });
    }
    const nextLink = page["@odata.nextLink"];
    return {
      users: page.value.map(toDirectoryUser),
      ...(nextLink ? { nextPageToken: encodePageToken(nextLink) } : {}),
    };
  }

  async function getUser(userId: string): Promise<DirectoryUser | null> {
    try {
      const user = await graph.call(
        () =>
          graph
            .request(`/users/${encodeURIComponent(userId)}`)
            .select([...USER_SELECT])
            .get() as Promise<GraphUserObject>,
      );
      return toDirectoryUser(user);
    } catch (error) {
      if (error instanceof GraphRequestError && error.kind === "notFound") return null;
      throw error;
    }
  }

  /** memberOf, groups only (directory roles and administrative units are left out), every page. */
  async function groupsHolding(objectId: string, kind: "user" | "group"): Promise<DirectoryGroup[]> {
    const collection = kind === "user" ? "users" : "groups";
    const groups: DirectoryGroup[] = [];
    let page = await graph.call(
      () =>
        graph
          .request(`/${collection}/${encodeURIComponent(objectId)}/memberOf`)
          .select([...GROUP_SELECT])
          .top(PAGE_SIZE)
          .get() as Promise<PagedResponse<GraphGroupObject & { "@odata.type"?: string }>>,
    );
    for (;;) {
      for (const item of page.value) {
        if (item["@odata.type"] === "#microsoft.graph.group") groups.push(toDirectoryGroup(item));
      }
      const nextLink = page["@odata.nextLink"];
      if (!nextLink) return groups;
      page = await graph.getLink<PagedResponse<GraphGroupObject & { "@odata.type"?: string }>>(nextLink);
    }
  }

  async function getGroup(groupId: string): Promise<DirectoryGroup | null> {
    try {
      const group = await graph.call(
        () =>
          graph
            .request(`/groups/${encodeURIComponent(groupId)}`)
            .select([...GROUP_SELECT])
            .get() as Promise<GraphGroupObject>,
      );
      return toDirectoryGroup(group);
    } catch (error) {
      if (error instanceof GraphRequestError && error.kind === "notFound") return null;
      throw error;
    }
  }

  async function getGroups(groupIds: readonly string[]): Promise<Map<string, DirectoryGroup | null>> {
    const unique = [...new Set(groupIds)];
    const results = await graph.batch(
      unique.map((id, index) => ({
        id: String(index),
        url: `/groups/${encodeURIComponent(id)}?$select=${GROUP_SELECT.join(",")}`,
      })),
    );
    const groups = new Map<string, DirectoryGroup | null>();
    for (const result of results) {
      const groupId = unique[Number(result.id)] as string;
      if (result.error?.kind === "notFound") groups.set(groupId, null);
      else if (result.error) throw result.error;
      else groups.set(groupId, toDirectoryGroup(result.body as GraphGroupObject));
    }
    return groups;
  }

  async function* groupMembers(groupId: string, options: GroupMembersOptions): AsyncGenerator<DirectoryUser[]> {
    const relation = options.transitive ? "transitiveMembers" : "members";
    // No user cast: it would hide the contacts, devices and service principals the plan reports as skipped.
    // A user $select on a mixed list is fine: each other type keeps only the selected properties it has.
    const first = () =>
      graph
        .request(`/groups/${encodeURIComponent(groupId)}/${relation}`)
        .select([...USER_SELECT])
        .top(PAGE_SIZE)
        .get() as Promise<PagedResponse<GraphMemberObject>>;
    let page = await graph.call(first);
    for (;;) {
      const users: DirectoryUser[] = [];
      const skipped: SkippedDirectoryMember[] = [];
      for (const item of page.value) {
        const member = classifyMember(item, options);
        if (member.kind === "user") users.push(member.user);
        else if (member.kind === "skipped") skipped.push(member.member);
      }
      if (skipped.length > 0) options.onSkipped?.(skipped);
      yield users;
      const nextLink = page["@odata.nextLink"];
      if (!nextLink) return;
      // Opaque: followed exactly as given.
      page = await graph.getLink<PagedResponse<GraphMemberObject>>(nextLink);
    }
  }

  return {
    searchGroups,
    countGroupMembers,
    searchUsers,
    groupsHolding,
    getUser,
    getGroup,
    getGroups,
    groupMembers,
    groupsDelta: (options) => readGroupsDelta(graph, options),
    usersDelta: (options = {}) => readUsersDelta(graph, options),
    readChanges: (options) => readDirectoryChanges(graph, options),
    startDeltaCursors: (mappings) => startDeltaCursors(graph, mappings),
    callCount: () => stats.graphCalls,
    callStats: () => ({ ...stats, tokenCalls: tokens.tokenCalls - tokenCallsBefore }),
  };
}
