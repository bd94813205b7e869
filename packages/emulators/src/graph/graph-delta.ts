// /groups/delta and /users/delta: rounds of changes since a token, paged by nextLink and closed by a
// deltaLink; group members as `members@delta` (direct only, ids only), removals as `@removed`.
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { EmulatedTenant } from "./emulated-tenant";
import { callerOf, READ_GROUPS, READ_USERS, requireRole } from "./graph-caller";
import type { DeltaRound, GraphEmulatorContext } from "./graph-emulator-context";
import {
  decodeToken,
  encodeToken,
  type GraphQuery,
  graphError,
  linkFor,
  parseSelect,
  projectGroup,
  projectUser,
} from "./graph-responses";

interface DeltaToken {
  kind: "groups" | "users";
  seq: number;
  epoch: number;
  issuedAt: number;
  select?: string[];
  groupIds?: string[];
}

const MAX_ROUNDS = 1000;

/** `$filter=id eq 'a' or id eq 'b'`: the only filter group delta accepts, at most 50 ids. */
function parseIdFilter(filter: string): string[] | undefined {
  const clauses = filter.split(/\s+or\s+/i);
  const ids: string[] = [];
  for (const clause of clauses) {
    const match = /^id\s+eq\s+'([^']+)'$/i.exec(clause.trim());
    if (!match?.[1]) return undefined;
    ids.push(match[1]);
  }
  return ids;
}

function groupDeltaItems(
  membersPerEntry: number,
  tenant: EmulatedTenant,
  token: DeltaToken | undefined,
  groupIds: string[] | undefined,
  select: string[] | undefined,
) {
  const wanted = groupIds ? groupIds.filter((id) => tenant.groups.has(id)) : [...tenant.groups.keys()];
  const groupSelect = select?.filter((field) => field.toLowerCase() !== "members");
  const withMembers = !select || select.some((field) => field.toLowerCase() === "members");
  const items: Record<string, unknown>[] = [];
  for (const groupId of wanted) {
    const group = tenant.groups.get(groupId);
    if (!group) continue;
    let memberEntries: Record<string, unknown>[] = [];
    if (!token) {
      const direct = tenant.directMembers(groupId);
      memberEntries = [
        ...direct.users.map((id) => ({ "@odata.type": "#microsoft.graph.user", id })),
        ...direct.groups.map((id) => ({ "@odata.type": "#microsoft.graph.group", id })),
        ...direct.others.map((id) => ({ "@odata.type": `#microsoft.graph.${tenant.memberType(id)}`, id })),
      ];
    } else {
      memberEntries = tenant.membershipLog
        .filter((change) => change.seq > token.seq && change.groupId === groupId)
        .map((change) => ({
          "@odata.type": `#microsoft.graph.${change.memberType}`,
          id: change.memberId,
          ...(change.removed ? { "@removed": { reason: "deleted" } } : {}),
        }));
      if (memberEntries.length === 0 && group.version <= token.seq) continue;
    }
    const base = projectGroup(group, groupSelect && groupSelect.length > 0 ? groupSelect : ["displayName"]);
    if (!withMembers || memberEntries.length === 0) {
      items.push(base);
      continue;
    }
    // A large group repeats across entries, each with a slice of its members, as Graph does.
    for (let start = 0; start < memberEntries.length; start += membersPerEntry) {
      items.push({ ...base, "members@delta": memberEntries.slice(start, start + membersPerEntry) });
    }
  }
  return items;
}

function userDeltaItems(tenant: EmulatedTenant, token: DeltaToken | undefined, select: string[] | undefined) {
  const items: Record<string, unknown>[] = [];
  for (const user of tenant.users.values()) {
    if (!token) {
      if (!user.deletedDateTime && !user.purged) items.push(projectUser(user, select));
      continue;
    }
    if (user.version <= token.seq) continue;
    if (user.purged) items.push({ id: user.id, "@removed": { reason: "deleted" } });
    else if (user.deletedDateTime) items.push({ id: user.id, "@removed": { reason: "changed" } });
    else items.push(projectUser(user, select));
  }
  return items;
}

function rememberRound(context: GraphEmulatorContext, round: DeltaRound): string {
  const roundId = randomUUID();
  context.deltaRounds.set(roundId, round);
  if (context.deltaRounds.size > MAX_ROUNDS) {
    const oldest = context.deltaRounds.keys().next().value;
    if (oldest) context.deltaRounds.delete(oldest);
  }
  return roundId;
}

function sendRoundPage(
  request: FastifyRequest,
  reply: FastifyReply,
  context: GraphEmulatorContext,
  roundId: string,
  page: number,
) {
  const round = context.deltaRounds.get(roundId);
  if (!round)
    return graphError(reply, 400, "syncStateNotFound", "The sync state of this round is no longer available.");
  const body: Record<string, unknown> = { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata" };
  if (page + 1 < round.pages.length) {
    body["@odata.nextLink"] = linkFor(request, {
      $deltatoken: undefined,
      $skiptoken: encodeToken({ r: roundId, p: page + 1 }),
    });
  } else {
    // Query options live in the token, so the deltaLink carries nothing else.
    const url = new URL(linkFor(request, {}));
    url.search = `?$deltatoken=${round.deltaToken}`;
    body["@odata.deltaLink"] = url.toString();
    context.deltaRounds.delete(roundId);
  }
  body.value = round.pages[page] ?? [];
  return reply.send(body);
}

export function registerDeltaRoutes(graph: FastifyInstance, context: GraphEmulatorContext) {
  const deltaRoute = (kind: "groups" | "users") => async (request: FastifyRequest, reply: FastifyReply) => {
    if (!requireRole(request, reply, kind === "groups" ? READ_GROUPS : READ_USERS)) return reply;
    const query = request.query as GraphQuery;
    const tenant = callerOf(request).tenant;
    if (query.$skiptoken) {
      const skip = decodeToken<{ r: string; p: number }>(query.$skiptoken);
      if (!skip) return graphError(reply, 400, "Request_BadRequest", "Invalid $skiptoken.");
      return sendRoundPage(request, reply, context, skip.r, skip.p);
    }
    if (query.$top !== undefined || query.$expand !== undefined || query.$orderby !== undefined) {
      return graphError(
        reply,
        400,
        "Request_UnsupportedQuery",
        "$top, $expand and $orderby are not supported with delta.",
      );
    }
    let token: DeltaToken | undefined;
    let select = parseSelect(query);
    let groupIds: string[] | undefined;
    if (query.$deltatoken && query.$deltatoken !== "latest") {
      token = decodeToken<DeltaToken>(query.$deltatoken);
      const ttl = context.faults.settings.deltaTokenTtlMs;
      const expired =
        !token ||
        token.kind !== kind ||
        token.epoch !== context.deltaEpoch ||
        (ttl != null && Date.now() - token.issuedAt > ttl);
      if (expired) {
        if (context.faults.settings.deltaExpiry === "gone") {
          // A fresh start of the same resource, with an empty $deltatoken, as Graph sends.
          reply.header("Location", `${linkFor(request, { $deltatoken: undefined }).replace(/\?.*$/, "")}?$deltatoken=`);
          return graphError(reply, 410, "resyncRequired", "The delta token has expired; a full resync is required.");
        }
        return graphError(
          reply,
          400,
          "syncStateNotFound",
          "The delta token is no longer valid: restart the synchronisation.",
        );
      }
      select = token?.select;
      groupIds = token?.groupIds;
    } else if (query.$filter !== undefined) {
      if (kind !== "groups") return graphError(reply, 400, "Request_UnsupportedQuery", "Unsupported Query.");
      groupIds = parseIdFilter(query.$filter);
      if (!groupIds)
        return graphError(
          reply,
          400,
          "Request_UnsupportedQuery",
          "Only `id eq '...'` clauses joined by `or` are supported with delta.",
        );
      if (groupIds.length > 50)
        return graphError(reply, 400, "Request_UnsupportedQuery", "At most 50 ids can be filtered in a delta query.");
    }
    const nextToken: DeltaToken = { kind, seq: tenant.currentSeq, epoch: context.deltaEpoch, issuedAt: Date.now() };
    if (select) nextToken.select = select;
    if (groupIds) nextToken.groupIds = groupIds;
    const items =
      query.$deltatoken === "latest"
        ? []
        : kind === "groups"
          ? groupDeltaItems(context.options.deltaMembersPerEntry, tenant, token, groupIds, select)
          : userDeltaItems(tenant, token, select);
    const pageSize = context.options.deltaPageSize;
    const pages: Record<string, unknown>[][] = [];
    for (let start = 0; start < items.length; start += pageSize) pages.push(items.slice(start, start + pageSize));
    if (pages.length === 0) pages.push([]);
    const roundId = rememberRound(context, { pages, deltaToken: encodeToken(nextToken) });
    return sendRoundPage(request, reply, context, roundId, 0);
  };
  graph.get("/groups/delta", deltaRoute("groups"));
  graph.get("/users/delta", deltaRoute("users"));
}
