// Every configuration change, newest first: who (the portal user's email or the API key's name), what, when, with
// filters for the actor, the kind of change, free text and a date range.
import type { Prisma } from "@techsync/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { dateRange } from "../activity/activity-entry";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { keysetPage } from "../keyset-page";
import { ZAuditEventsReply, type ZDownloadAuditEventsQuery, ZListAuditEventsQuery } from "./audit-events.types";

type AuditFilter = Omit<z.infer<typeof ZDownloadAuditEventsQuery>, "format">;
type AuditRow = Prisma.AuditEventGetPayload<object>;
export type AuditEventView = z.infer<typeof ZAuditEventsReply>["events"][number];

/** The events the filter takes in; an actor is matched on part of a portal user's email or an API key's name. */
export async function auditWhere(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  filter: AuditFilter,
): Promise<Prisma.AuditEventWhereInput> {
  const range = dateRange(filter.from, filter.to);
  const and: Prisma.AuditEventWhereInput[] = [{ tenantId }];
  if (range) and.push({ createdAt: range });
  if (filter.kind) {
    and.push(filter.kind.includes(".") ? { action: filter.kind } : { action: { startsWith: `${filter.kind}.` } });
  }
  if (filter.q) {
    and.push({
      OR: [
        { action: { contains: filter.q, mode: "insensitive" } },
        { target: { contains: filter.q, mode: "insensitive" } },
      ],
    });
  }
  if (filter.actor) {
    const [users, keys] = await Promise.all([
      deps.prisma.portalUser.findMany({
        where: {
          email: { contains: filter.actor, mode: "insensitive" },
          memberships: { some: { tenantId } },
        },
        select: { id: true },
        take: 500,
      }),
      deps.prisma.apiKey.findMany({
        where: { tenantId, name: { contains: filter.actor, mode: "insensitive" } },
        select: { id: true },
        take: 500,
      }),
    ]);
    and.push({
      OR: [
        { actorType: "portal_user", actorId: { in: users.map((u) => u.id) } },
        { actorType: "api_key", actorId: { in: keys.map((k) => k.id) } },
        ...("system".includes(filter.actor.toLowerCase()) ? [{ actorType: "system" as const }] : []),
      ],
    });
  }
  return { AND: and };
}

/** The events with their actors' names (email or key name), looked up once per page. */
export async function auditEventViews(deps: Pick<ApiDeps, "prisma">, rows: AuditRow[]): Promise<AuditEventView[]> {
  const ids = (type: AuditRow["actorType"]) => [
    ...new Set(rows.filter((e) => e.actorType === type && e.actorId).map((e) => e.actorId as string)),
  ];
  const [users, keys] = await Promise.all([
    deps.prisma.portalUser.findMany({ where: { id: { in: ids("portal_user") } }, select: { id: true, email: true } }),
    deps.prisma.apiKey.findMany({ where: { id: { in: ids("api_key") } }, select: { id: true, name: true } }),
  ]);
  const names = new Map<string, string>([
    ...users.map((u) => [u.id, u.email] as const),
    ...keys.map((k) => [k.id, k.name] as const),
  ]);
  return rows.map((e) => ({
    id: e.id.toString(),
    actorType: e.actorType,
    actorId: e.actorId,
    actorName: e.actorId ? (names.get(e.actorId) ?? null) : null,
    action: e.action,
    target: e.target,
    details: e.details ?? null,
    createdAt: e.createdAt.toISOString(),
  }));
}

export async function listAuditEvents(
  deps: Pick<ApiDeps, "prisma">,
  tenantId: string,
  query: z.infer<typeof ZListAuditEventsQuery>,
): Promise<z.infer<typeof ZAuditEventsReply>> {
  const where = await auditWhere(deps, tenantId, query);
  const rows = await deps.prisma.auditEvent.findMany({
    where: query.cursor ? { AND: [where, { id: { lt: BigInt(query.cursor) } }] } : where,
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const { page, nextCursor } = keysetPage(rows, query.limit, (e) => e.id.toString());
  return { events: await auditEventViews(deps, page), ...(nextCursor ? { nextCursor } : {}) };
}

export const listAuditEventsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/audit-events",
    {
      schema: {
        tags: ["audit"],
        summary: "Configuration changes: who, what, when",
        params: ZTenantParams,
        querystring: ZListAuditEventsQuery,
        response: { 200: ZAuditEventsReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => listAuditEvents(deps, request.params.tenantId, request.query),
  );
};
