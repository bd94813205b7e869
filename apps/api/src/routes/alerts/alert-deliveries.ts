// The delivery log of a tenant's alerts: the latest attempts (time, where to, status code, a short excerpt of the
// answer, the error in words), newest first, for the alerts page.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { tenantAccessOf } from "../../auth/authenticate";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { ZAlertDeliveriesReply } from "./alerts.types";

const LATEST_ATTEMPTS = 50;

export const alertDeliveryRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    "/v1/tenants/:tenantId/alerts/deliveries",
    {
      schema: {
        tags: ["alerts"],
        summary: `The latest ${LATEST_ATTEMPTS} alert delivery attempts, newest first`,
        params: ZTenantParams,
        response: { 200: ZAlertDeliveriesReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "read" } },
    },
    async (request) => {
      const { tenantId } = tenantAccessOf(request);
      const rows = await deps.prisma.alertDeliveryAttempt.findMany({
        where: { tenantId },
        orderBy: [{ at: "desc" }, { id: "desc" }],
        take: LATEST_ATTEMPTS,
        include: { delivery: { select: { channel: true, target: true, event: { select: { kind: true } } } } },
      });
      return {
        attempts: rows.map((row) => ({
          id: String(row.id),
          at: row.at.toISOString(),
          event: row.delivery.event.kind,
          channel: row.delivery.channel === "webhook" ? ("webhook" as const) : ("email" as const),
          target: row.delivery.target,
          ok: row.ok,
          statusCode: row.statusCode,
          responseExcerpt: row.responseExcerpt,
          error: row.error,
        })),
      };
    },
  );
};
