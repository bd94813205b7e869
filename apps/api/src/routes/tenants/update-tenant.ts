import { SECRET_FIELDS, tenantDataKey } from "@techsync/db";
import { syncTenantSchedule, type TenantSchedule, type TenantScheduleSettings, tenantScheduleOf } from "@techsync/jobs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { notFound } from "../../errors";
import { callQueue } from "../../job-queue";
import { AUTHENTICATED_ERRORS, ZErrorReply, ZTenantParams } from "../common.types";
import { subscriptionsFollowTenant } from "../graph-notifications/subscriptions-follow-tenant";
import { nextRunAt } from "./next-run-at";
import {
  type TenantSettings,
  tenantSettingsView,
  type UpdateTenantBody,
  ZTenantSettings,
  ZUpdateTenantBody,
} from "./tenants.types";

/**
 * The tenant's schedule after a settings change, which must not start a run: BullMQ fires a new schedule, or
 * one whose interval changed, at once unless told when to start. It starts one interval from now (or when a
 * quarantine ends: tenantScheduleOf keeps a quarantined tenant's back-off); an unchanged interval keeps the
 * time its next run already had.
 */
export function scheduleWithoutRunNow(tenant: TenantScheduleSettings, now = new Date()): TenantSchedule {
  const schedule = tenantScheduleOf(tenant, now);
  const interval = schedule.quarantineIntervalMinutes ?? schedule.scheduleIntervalMinutes;
  return { ...schedule, quarantinedUntil: schedule.quarantinedUntil ?? new Date(now.getTime() + interval * 60_000) };
}

export async function updateTenant(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "syncQueue">,
  access: TenantAccess,
  body: UpdateTenantBody,
): Promise<TenantSettings> {
  const { tenantId } = access;
  const updated = await deps.prisma.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId } });
    if (!tenant) throw notFound("The tenant");
    const { defaultPassword, safetyThreshold, attributeMapping, ...plain } = body;
    const next = await tx.tenant.update({
      where: { id: tenantId },
      data: {
        ...plain,
        ...(safetyThreshold
          ? { safetyThresholdPercent: safetyThreshold.percent, safetyThresholdMinimum: safetyThreshold.minimum }
          : {}),
        // null means "sync-core's defaults", which an empty override object says as well.
        ...(attributeMapping === undefined ? {} : { attributeMapping: attributeMapping ?? {} }),
        ...(defaultPassword === undefined
          ? {}
          : {
              defaultPasswordEnc: deps.secretBox.encrypt(
                tenantId,
                tenantDataKey(tenant),
                SECRET_FIELDS.defaultPassword,
                defaultPassword,
              ),
            }),
      },
    });
    await recordAuditEvent(tx, access, {
      action: "tenant.updated",
      target: `tenant:${tenantId}`,
      // Secret values are never recorded: only that they changed.
      details: {
        ...plain,
        safetyThreshold,
        attributeMapping,
        defaultPassword: defaultPassword ? "changed" : undefined,
      },
    });
    // In the transaction: when Redis refuses the schedule, the settings are not half-changed either.
    await callQueue(async () => {
      await syncTenantSchedule(deps.syncQueue, scheduleWithoutRunNow(next));
      await subscriptionsFollowTenant(deps.syncQueue, tenantId, tenant, next);
    }, "the settings were not saved; try again when it returns.");
    return next;
  });
  return tenantSettingsView(updated, await nextRunAt(deps.syncQueue, tenantId));
}

export const updateTenantRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.patch(
    "/v1/tenants/:tenantId",
    {
      schema: {
        tags: ["tenants"],
        summary: "Change the tenant's settings; its sync schedule follows",
        params: ZTenantParams,
        body: ZUpdateTenantBody,
        response: { 200: ZTenantSettings, 503: ZErrorReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    (request) => updateTenant(deps, tenantAccessOf(request), request.body),
  );
};
