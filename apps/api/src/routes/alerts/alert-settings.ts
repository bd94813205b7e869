// Reading a tenant's alert settings, and choosing which events its owners (the default recipients) get.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import type { TenantAccess } from "../../auth/principal";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { alertWebhookView, knownEvents, ZAlertSettings, ZUpdateOwnerAlertsBody } from "./alerts.types";

export async function getAlertSettings(
  deps: Pick<ApiDeps, "prisma" | "mailer">,
  tenantId: string,
): Promise<z.infer<typeof ZAlertSettings>> {
  const tenant = await deps.prisma.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: {
      ownerAlertEvents: true,
      memberships: { where: { role: "owner" }, select: { portalUser: { select: { email: true } } } },
      alertEmailRecipients: { orderBy: { createdAt: "asc" } },
      alertWebhooks: { orderBy: { createdAt: "asc" } },
    },
  });
  return {
    owners: {
      emails: tenant.memberships.map((m) => m.portalUser.email).sort(),
      events: knownEvents(tenant.ownerAlertEvents),
    },
    recipients: tenant.alertEmailRecipients.map((r) => ({ id: r.id, email: r.email, events: knownEvents(r.events) })),
    webhooks: tenant.alertWebhooks.map(alertWebhookView),
    mailConfigured: deps.mailer !== undefined,
  };
}

export async function updateOwnerAlerts(
  deps: Pick<ApiDeps, "prisma">,
  access: TenantAccess,
  body: z.infer<typeof ZUpdateOwnerAlertsBody>,
): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    await tx.tenant.update({ where: { id: access.tenantId }, data: { ownerAlertEvents: body.events } });
    await recordAuditEvent(tx, access, {
      action: "alerts.owner_events_changed",
      target: `tenant:${access.tenantId}`,
      details: { events: body.events },
    });
  });
}

export const alertSettingsRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/alerts",
    {
      schema: {
        tags: ["alerts"],
        summary: "The tenant's alert settings: owners' events, extra email recipients, webhooks",
        params: ZTenantParams,
        response: { 200: ZAlertSettings, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    async (request) => getAlertSettings(deps, tenantAccessOf(request).tenantId),
  );
  app.put(
    "/v1/tenants/:tenantId/alerts/owners",
    {
      schema: {
        tags: ["alerts"],
        summary: "Choose the events the tenant's owners get by email (none: an empty list)",
        params: ZTenantParams,
        body: ZUpdateOwnerAlertsBody,
        response: { 200: ZAlertSettings, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    async (request) => {
      const access = tenantAccessOf(request);
      await updateOwnerAlerts(deps, access, request.body);
      return getAlertSettings(deps, access.tenantId);
    },
  );
};
