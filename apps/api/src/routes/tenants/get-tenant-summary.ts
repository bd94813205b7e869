import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AUTHENTICATED_ERRORS, isoOrNull, ZTenantParams } from "../common.types";
import { runView } from "../runs/run-view";
import { storedRunCounts } from "../runs/stored-run-counts";
import { nextRunAt } from "./next-run-at";
import { tenantFreshness } from "./tenant-freshness";
import { ZTenantSummary } from "./tenants.types";

const RECENT_RUNS = 30;

/**
 * The portal's dashboard in one call. Estimates of a proposed change (runs with a proposal) are left out: they say
 * nothing about the tenant's own configuration, and are few, so reading twice as many runs leaves 30 of the others.
 * Runs of one user (provision on demand) are left out too: they say nothing of how fresh the whole tenant is.
 */
export async function getTenantSummary(
  deps: Pick<ApiDeps, "prisma" | "syncQueue">,
  tenantId: string,
): Promise<z.infer<typeof ZTenantSummary>> {
  const [tenant, read, linkedTechnicians, next, freshness, byStatus] = await Promise.all([
    deps.prisma.tenant.findUnique({ where: { id: tenantId }, select: { activatedAt: true } }),
    deps.prisma.syncRun.findMany({
      where: { tenantId, subjectEntraUserId: null },
      orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
      take: RECENT_RUNS * 2,
    }),
    deps.prisma.link.count({ where: { tenantId } }),
    nextRunAt(deps.syncQueue, tenantId),
    tenantFreshness(deps, tenantId),
    deps.prisma.link.groupBy({ by: ["technicianStatus"], where: { tenantId }, _count: { _all: true } }),
  ]);
  const statusCount = (status: string) => byStatus.find((row) => row.technicianStatus === status)?._count._all ?? 0;
  const runs = read.filter((run) => run.proposal === null).slice(0, RECENT_RUNS);
  const last = runs[0];
  const activatedAt = tenant?.activatedAt ?? null;
  return {
    activatedAt: isoOrNull(activatedAt),
    lastRun: last ? runView(last) : null,
    // rule 14: nothing is scheduled before a person started syncing, whatever Redis still holds.
    nextRunAt: activatedAt ? isoOrNull(next) : null,
    linkedTechnicians,
    enabledTechnicians: statusCount("enabled"),
    disabledTechnicians: statusCount("disabled"),
    recentRuns: runs.map((run) => ({
      id: run.id,
      status: run.status,
      dryRun: run.dryRun,
      queuedAt: run.queuedAt.toISOString(),
      finishedAt: isoOrNull(run.finishedAt),
      counts: storedRunCounts(run.counts, run),
    })),
    freshness: {
      lastChangeReceivedAt: isoOrNull(freshness.lastChangeReceivedAt),
      lastIncrementalRunAt: isoOrNull(freshness.lastIncrementalRunAt),
      lastFullRunAt: isoOrNull(freshness.lastFullRunAt),
      changeFeed: freshness.changeFeed,
    },
  };
}

export const getTenantSummaryRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/summary",
    {
      schema: {
        tags: ["tenants"],
        summary: "The dashboard: last run, next run, linked technicians, the last 30 runs",
        params: ZTenantParams,
        response: { 200: ZTenantSummary, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    (request) => getTenantSummary(deps, request.params.tenantId),
  );
};
