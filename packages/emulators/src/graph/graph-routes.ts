// Microsoft Graph v1.0, the part TechSync reads: groups (search, filter, paging), members and
// transitiveMembers with the user cast, users (one, or searched), memberOf, and JSON $batch. Tokens are checked as Graph does.
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { EmulatedDirectoryObjectKind, EmulatedGroup, EmulatedUser } from "./emulated-tenant";
import { registerApplicationRoutes } from "./graph-application-routes";
import { authenticate, callerOf, READ_GROUPS, READ_USERS, requireRole } from "./graph-caller";
import { registerDeltaRoutes } from "./graph-delta";
import type { GraphEmulatorContext } from "./graph-emulator-context";
import {
  decodeToken,
  encodeToken,
  type GraphQuery,
  graphError,
  isEventual,
  linkFor,
  parseSelect,
  projectDirectoryObject,
  projectGroup,
  projectUser,
} from "./graph-responses";
import { registerSubscriptionRoutes } from "./graph-subscription-routes";

const MAX_TOP = 999;

/** The least permission that reads each non-user member type in full (Directory.Read.All reads all). */
const READ_PERMISSION_OF: Record<EmulatedDirectoryObjectKind, string> = {
  orgContact: "OrgContact.Read.All",
  device: "Device.Read.All",
  servicePrincipal: "Application.Read.All",
};

function pageSize(query: GraphQuery, reply: FastifyReply): number | undefined {
  if (query.$top === undefined) return 100;
  const top = Number(query.$top);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
    void graphError(
      reply,
      400,
      "Request_BadRequest",
      `Invalid page size specified: '${query.$top}'. Must be between 1 and 999 inclusive.`,
    );
    return undefined;
  }
  return top;
}

/** One page of `items` from the $skiptoken offset, with a nextLink that repeats the query verbatim. */
function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  items: readonly unknown[],
  render: (item: never) => Record<string, unknown>,
  top: number,
  extra: Record<string, unknown> = {},
) {
  const query = request.query as GraphQuery;
  const offset = query.$skiptoken ? (decodeToken<{ o: number }>(query.$skiptoken)?.o ?? -1) : 0;
  if (offset < 0) return graphError(reply, 400, "Request_BadRequest", "Invalid $skiptoken.");
  const slice = items.slice(offset, offset + top);
  const body: Record<string, unknown> = {
    "@odata.context": `https://graph.microsoft.com/v1.0/$metadata`,
    ...extra,
  };
  if (offset + top < items.length)
    body["@odata.nextLink"] = linkFor(request, { $skiptoken: encodeToken({ o: offset + top }) });
  body.value = slice.map((item) => render(item as never));
  return reply.send(body);
}

type GroupPredicate = (group: EmulatedGroup) => boolean;

/** The `$filter` forms Graph accepts on groups without advanced query headers that TechSync may send. */
function parseGroupFilter(filter: string): GroupPredicate | undefined {
  const clauses = filter.split(/\s+and\s+/i);
  const predicates: GroupPredicate[] = [];
  for (const clause of clauses) {
    const startsWith = /^startswith\(\s*(displayName|mail)\s*,\s*'((?:[^']|'')*)'\s*\)$/i.exec(clause.trim());
    if (startsWith) {
      const field = startsWith[1]?.toLowerCase() === "mail" ? "mail" : "displayName";
      const prefix = (startsWith[2] ?? "").replace(/''/g, "'").toLowerCase();
      predicates.push((group) => (group[field] ?? "").toLowerCase().startsWith(prefix));
      continue;
    }
    const idIn = /^id\s+in\s+\(([^)]*)\)$/i.exec(clause.trim());
    if (idIn) {
      const ids = new Set((idIn[1] ?? "").split(",").map((id) => id.trim().replace(/^'|'$/g, "")));
      predicates.push((group) => ids.has(group.id));
      continue;
    }
    const securityEnabled = /^securityEnabled\s+eq\s+(true|false)$/i.exec(clause.trim());
    if (securityEnabled) {
      const wanted = securityEnabled[1]?.toLowerCase() === "true";
      predicates.push((group) => group.securityEnabled === wanted);
      continue;
    }
    return undefined;
  }
  return (group) => predicates.every((predicate) => predicate(group));
}

const words = (value: unknown) =>
  String(value ?? "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u);

/**
 * `$search="displayName:help" OR "mail:jo"`, for groups and users alike: each clause matches word prefixes (tokens)
 * of one of `fields`, not substrings, like Graph; clauses joined by OR (any) or AND / a space (all). Undefined when
 * no clause names one of `fields` (Graph's syntax error).
 */
function parseSearch<T>(search: string, fields: readonly (keyof T & string)[]): ((item: T) => boolean) | undefined {
  const clause = new RegExp(`"(${fields.join("|")}):([^"]*)"`, "gi");
  const clauses = [...search.matchAll(clause)];
  if (clauses.length === 0) return undefined;
  const anyClause = /\bOR\b/.test(search);
  const tests = clauses.map(([, field, term]) => {
    const property = fields.find((name) => name.toLowerCase() === field?.toLowerCase()) ?? (fields[0] as keyof T);
    const termWords = words(term).filter(Boolean);
    return (item: T) => {
      const itemWords = words(item[property]);
      return termWords.every((termWord) => itemWords.some((word) => word.startsWith(termWord)));
    };
  });
  return (item) => (anyClause ? tests.some((test) => test(item)) : tests.every((test) => test(item)));
}

const GROUP_SEARCH_FIELDS = ["displayName", "description"] as const;
const USER_SEARCH_FIELDS = ["displayName", "mail", "userPrincipalName", "givenName", "surname"] as const;

/**
 * The `$search` step both lists share: Graph's header requirement and syntax error, then the filter. Undefined when it
 * has answered with the error.
 */
function searched<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  items: T[],
  fields: readonly (keyof T & string)[],
): T[] | undefined {
  const search = (request.query as GraphQuery).$search;
  if (search === undefined) return items;
  if (!isEventual(request)) {
    graphError(
      reply,
      400,
      "Request_UnsupportedQuery",
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
    return undefined;
  }
  const predicate = parseSearch(search, fields);
  if (!predicate) {
    graphError(
      reply,
      400,
      "Request_UnsupportedQuery",
      'Syntax error: the $search value must be like "displayName:term".',
    );
    return undefined;
  }
  return items.filter(predicate);
}

export function registerGraphRoutes(app: FastifyInstance, context: GraphEmulatorContext) {
  app.register(
    async (graph) => {
      graph.addHook("onRequest", async (request, reply) => {
        reply.header("request-id", randomUUID());
        reply.header("client-request-id", request.headers["client-request-id"] ?? reply.getHeader("request-id"));
        // The outer $batch call is not metered: each inner request is, on its own.
        const isBatch = request.url.startsWith("/v1.0/$batch");
        if (!isBatch) context.stats.graphRequests += 1;
        context.recentRequests.push(request.url);
        if (context.recentRequests.length > 100) context.recentRequests.shift();
        const latency = context.faults.settings.latencyMs ?? 0;
        if (latency > 0 && !isBatch) await new Promise((resolve) => setTimeout(resolve, latency));
        await authenticate(context, request, reply);
        if (reply.sent || isBatch) return;
        const caller = callerOf(request);
        const verdict = context.faults.judge(`${caller.tenant.tenantId}/${caller.appId}`);
        if (verdict.kind === "throttled") {
          reply.header("Retry-After", verdict.retryAfter);
          reply.header("x-ms-throttle-scope", `Tenant_Application/ReadWrite/${caller.appId}/${caller.tenant.tenantId}`);
          reply.header("x-ms-throttle-information", "ResourceUnitLimitExceeded");
          return graphError(reply, 429, "TooManyRequests", "Too many requests.");
        }
        if (verdict.kind === "unavailable") {
          if (verdict.retryAfter) reply.header("Retry-After", verdict.retryAfter);
          return graphError(reply, verdict.status, "serviceNotAvailable", "Service unavailable.");
        }
      });

      graph.get("/groups", async (request, reply) => {
        if (!requireRole(request, reply, READ_GROUPS)) return reply;
        const query = request.query as GraphQuery;
        const top = pageSize(query, reply);
        if (top === undefined) return reply;
        const eventual = isEventual(request);
        let groups = searched(request, reply, [...callerOf(request).tenant.groups.values()], GROUP_SEARCH_FIELDS);
        if (!groups) return reply;
        if (query.$filter !== undefined) {
          const predicate = parseGroupFilter(query.$filter);
          if (!predicate) return graphError(reply, 400, "Request_UnsupportedQuery", "Unsupported Query.");
          groups = groups.filter(predicate);
        }
        const select = parseSelect(query);
        const extra = eventual && query.$count === "true" ? { "@odata.count": groups.length } : {};
        return sendPage(request, reply, groups, (group: EmulatedGroup) => projectGroup(group, select), top, extra);
      });

      registerDeltaRoutes(graph, context);
      registerApplicationRoutes(graph);
      registerSubscriptionRoutes(graph, context);

      graph.get<{ Params: { id: string } }>("/groups/:id", async (request, reply) => {
        if (!requireRole(request, reply, READ_GROUPS)) return reply;
        const group = callerOf(request).tenant.groups.get(request.params.id);
        if (!group) {
          return graphError(
            reply,
            404,
            "Request_ResourceNotFound",
            `Resource '${request.params.id}' does not exist or one of its queried reference-property objects are not present.`,
          );
        }
        return {
          "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#groups/$entity",
          ...projectGroup(group, parseSelect(request.query as GraphQuery)),
        };
      });

      const membersRoute =
        (transitive: boolean, cast: false | "user" | "group") =>
        async (request: FastifyRequest, reply: FastifyReply) => {
          if (!requireRole(request, reply, READ_GROUPS)) return reply;
          const { id } = request.params as { id: string };
          const query = request.query as GraphQuery;
          const tenant = callerOf(request).tenant;
          if (!tenant.groups.has(id)) {
            return graphError(
              reply,
              404,
              "Request_ResourceNotFound",
              `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
            );
          }
          const eventual = isEventual(request);
          // The docs require advanced-query headers for casts on transitiveMembers.
          if (transitive && cast && !eventual) {
            return graphError(
              reply,
              400,
              "Request_UnsupportedQuery",
              "The specified cast on transitiveMembers requires 'ConsistencyLevel: eventual' and $count=true.",
            );
          }
          const top = pageSize(query, reply);
          if (top === undefined) return reply;
          const members = transitive ? tenant.transitiveMembers(id) : tenant.directMembers(id);
          // A cast keeps one type; the plain list holds every type, in membership order per type.
          const items =
            cast === "user"
              ? members.users
              : cast === "group"
                ? members.groups
                : [...members.users, ...members.groups, ...members.others];
          const select = parseSelect(query);
          // Without a permission that reads the member's type Graph returns only id and type ("limited information").
          const roles = callerOf(request).roles;
          const canRead = (permission: string) => roles.includes(permission) || roles.includes("Directory.Read.All");
          const canReadUsers = canRead("User.Read.All");
          const render = (memberId: string) => {
            const user = tenant.users.get(memberId);
            if (user) {
              if (!canReadUsers) return { "@odata.type": "#microsoft.graph.user", id: user.id };
              return { "@odata.type": "#microsoft.graph.user", ...projectUser(user, select) };
            }
            const object = tenant.directoryObjects.get(memberId);
            if (object) {
              if (!canRead(READ_PERMISSION_OF[object.kind])) {
                return { "@odata.type": `#microsoft.graph.${object.kind}`, id: object.id };
              }
              return projectDirectoryObject(object, select);
            }
            const group = tenant.groups.get(memberId) as EmulatedGroup;
            return { "@odata.type": "#microsoft.graph.group", ...projectGroup(group, select) };
          };
          const extra = eventual && query.$count === "true" ? { "@odata.count": items.length } : {};
          return sendPage(request, reply, items, render, top, extra);
        };
      // `/members/$count`: the number alone, as text/plain. Graph answers it only as an advanced query
      // (ConsistencyLevel: eventual); without the header it is refused, so a client cannot get by without it.
      const memberCountRoute = (transitive: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
        if (!requireRole(request, reply, READ_GROUPS)) return reply;
        const { id } = request.params as { id: string };
        const tenant = callerOf(request).tenant;
        if (!tenant.groups.has(id)) {
          return graphError(
            reply,
            404,
            "Request_ResourceNotFound",
            `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
          );
        }
        if (!isEventual(request)) {
          return graphError(
            reply,
            400,
            "Request_BadRequest",
            "Count is not currently supported without the 'ConsistencyLevel: eventual' request header.",
          );
        }
        const members = transitive ? tenant.transitiveMembers(id) : tenant.directMembers(id);
        const count = members.users.length + members.groups.length + members.others.length;
        return reply.type("text/plain").send(String(count));
      };
      graph.get("/groups/:id/members/$count", memberCountRoute(false));
      graph.get("/groups/:id/transitiveMembers/$count", memberCountRoute(true));
      graph.get("/groups/:id/members", membersRoute(false, false));
      graph.get("/groups/:id/members/microsoft.graph.user", membersRoute(false, "user"));
      graph.get("/groups/:id/transitiveMembers", membersRoute(true, false));
      graph.get("/groups/:id/transitiveMembers/microsoft.graph.user", membersRoute(true, "user"));
      graph.get("/groups/:id/transitiveMembers/microsoft.graph.group", membersRoute(true, "group"));

      // The groups a user is a member of, directly or through nested groups (groups only in this emulator: it has
      // no directory roles or administrative units).
      const memberOfRoute = (transitive: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
        if (!requireRole(request, reply, READ_GROUPS)) return reply;
        const { id } = request.params as { id: string };
        const tenant = callerOf(request).tenant;
        if (!tenant.liveUser(id)) {
          return graphError(
            reply,
            404,
            "Request_ResourceNotFound",
            `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
          );
        }
        const top = pageSize(request.query as GraphQuery, reply);
        if (top === undefined) return reply;
        const select = parseSelect(request.query as GraphQuery);
        const render = (groupId: string) => ({
          "@odata.type": "#microsoft.graph.group",
          ...projectGroup(tenant.groups.get(groupId) as EmulatedGroup, select),
        });
        return sendPage(request, reply, tenant.memberOf(id, transitive), render, top);
      };
      graph.get("/users/:id/memberOf", memberOfRoute(false));
      graph.get("/users/:id/transitiveMemberOf", memberOfRoute(true));

      graph.get("/users", async (request, reply) => {
        if (!requireRole(request, reply, READ_USERS)) return reply;
        const query = request.query as GraphQuery;
        const top = pageSize(query, reply);
        if (top === undefined) return reply;
        const eventual = isEventual(request);
        const tenant = callerOf(request).tenant;
        const live = [...tenant.users.values()].filter((user) => tenant.liveUser(user.id));
        const users = searched(request, reply, live, USER_SEARCH_FIELDS);
        if (!users) return reply;
        if (query.$filter !== undefined)
          return graphError(reply, 400, "Request_UnsupportedQuery", "Unsupported Query.");
        const select = parseSelect(query);
        const extra = eventual && query.$count === "true" ? { "@odata.count": users.length } : {};
        return sendPage(request, reply, users, (user: EmulatedUser) => projectUser(user, select), top, extra);
      });

      // A group's memberOf: the groups that list it as a direct member (directory roles and administrative units too
      // in Graph; the emulator has none). A user's is served above.
      const groupMemberOfRoute = (kind: "user" | "group") => async (request: FastifyRequest, reply: FastifyReply) => {
        if (!requireRole(request, reply, READ_GROUPS)) return reply;
        const { id } = request.params as { id: string };
        const tenant = callerOf(request).tenant;
        const exists = kind === "user" ? tenant.liveUser(id) : tenant.groups.get(id);
        if (!exists) {
          return graphError(
            reply,
            404,
            "Request_ResourceNotFound",
            `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
          );
        }
        const query = request.query as GraphQuery;
        const top = pageSize(query, reply);
        if (top === undefined) return reply;
        const holding = [...tenant.groups.values()].filter((group) => group.members.has(id));
        const select = parseSelect(query);
        return sendPage(
          request,
          reply,
          holding,
          (group: EmulatedGroup) => ({ "@odata.type": "#microsoft.graph.group", ...projectGroup(group, select) }),
          top,
        );
      };
      graph.get("/groups/:id/memberOf", groupMemberOfRoute("group"));

      graph.get<{ Params: { id: string } }>("/users/:id", async (request, reply) => {
        if (!requireRole(request, reply, READ_USERS)) return reply;
        const tenant = callerOf(request).tenant;
        const key = request.params.id.toLowerCase();
        const user =
          tenant.liveUser(request.params.id) ??
          [...tenant.users.values()].find(
            (candidate) => candidate.userPrincipalName.toLowerCase() === key && tenant.liveUser(candidate.id),
          );
        if (!user) {
          return graphError(
            reply,
            404,
            "Request_ResourceNotFound",
            `Resource '${request.params.id}' does not exist or one of its queried reference-property objects are not present.`,
          );
        }
        return {
          "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
          ...projectUser(user, parseSelect(request.query as GraphQuery)),
        };
      });

      graph.post("/$batch", async (request, reply) => {
        context.stats.batchRequests += 1;
        const body = request.body as {
          requests?: { id?: string; method?: string; url?: string; headers?: Record<string, string>; body?: unknown }[];
        };
        const requests = body?.requests;
        if (!Array.isArray(requests) || requests.length === 0)
          return graphError(reply, 400, "BadRequest", "Invalid batch payload format.");
        if (requests.length > 20)
          return graphError(reply, 400, "BadRequest", "The number of batch requests exceeds 20.");
        const ids = requests.map((inner) => String(inner.id ?? ""));
        if (new Set(ids).size !== ids.length || ids.includes(""))
          return graphError(reply, 400, "BadRequest", "Batch request ids must be unique and present.");
        const responses = await Promise.all(
          requests.map(async (inner) => {
            const url = String(inner.url ?? "");
            if (!url.startsWith("/")) {
              return {
                id: inner.id,
                status: 400,
                headers: {},
                body: { error: { code: "BadRequest", message: "Batch request urls must be relative." } },
              };
            }
            const response = await app.inject({
              method: (inner.method ?? "GET").toUpperCase() as "GET",
              url: `/v1.0${url}`,
              headers: {
                ...inner.headers,
                authorization: request.headers.authorization ?? "",
                host: request.headers.host ?? "127.0.0.1",
              },
              ...(inner.body === undefined ? {} : { payload: inner.body as object }),
            });
            const headers: Record<string, string> = { "Content-Type": "application/json" };
            const retryAfter = response.headers["retry-after"];
            if (retryAfter) headers["Retry-After"] = String(retryAfter);
            // Graph base64-encodes a non-JSON inner body (a `$count`'s plain number, for one).
            const type = String(response.headers["content-type"] ?? "");
            if (type.startsWith("text/plain")) {
              headers["Content-Type"] = type;
              return {
                id: inner.id,
                status: response.statusCode,
                headers,
                body: Buffer.from(response.body).toString("base64"),
              };
            }
            let parsed: unknown = null;
            try {
              parsed = response.json();
            } catch {
              parsed = response.body;
            }
            return { id: inner.id, status: response.statusCode, headers, body: parsed };
          }),
        );
        return { responses };
      });
    },
    { prefix: "/v1.0" },
  );
}
