// Extra email addresses that get a tenant's alerts (besides its owners): add one with its events, remove one.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import { AppError, notFound } from "../../errors";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import { knownEvents, ZAddAlertRecipientBody, ZAlertRecipient, ZAlertRecipientParams } from "./alerts.types";

/** A tenant's extra recipients are few; more is a mailing list's job. */
export const MAX_ALERT_RECIPIENTS = 20;

export const alertRecipientRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/alerts/recipients",
    {
      schema: {
        tags: ["alerts"],
        summary: "Add an email address that gets the chosen alerts",
        params: ZTenantParams,
        body: ZAddAlertRecipientBody,
        response: { 201: ZAlertRecipient, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    async (request, reply) => {
      const access = tenantAccessOf(request);
      const { email, events } = request.body;
      const row = await deps.prisma.$transaction(async (tx) => {
        const existing = await tx.alertEmailRecipient.findMany({ where: { tenantId: access.tenantId } });
        if (existing.some((r) => r.email.toLowerCase() === email)) {
          throw new AppError("conflict", "This address already gets alerts; remove it first to change its events.");
        }
        if (existing.length >= MAX_ALERT_RECIPIENTS) {
          throw new AppError("conflict", `A tenant can have at most ${MAX_ALERT_RECIPIENTS} extra recipients.`);
        }
        const created = await tx.alertEmailRecipient.create({ data: { tenantId: access.tenantId, email, events } });
        await recordAuditEvent(tx, access, {
          action: "alerts.recipient_added",
          target: `alert_recipient:${created.id}`,
          details: { email, events },
        });
        return created;
      });
      return reply.status(201).send({ id: row.id, email: row.email, events: knownEvents(row.events) });
    },
  );
  app.delete(
    "/v1/tenants/:tenantId/alerts/recipients/:recipientId",
    {
      schema: {
        tags: ["alerts"],
        summary: "Stop sending alerts to an extra email address",
        params: ZAlertRecipientParams,
        response: { 204: z.null().describe("Removed"), ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    async (request, reply) => {
      const access = tenantAccessOf(request);
      await deps.prisma.$transaction(async (tx) => {
        const row = await tx.alertEmailRecipient.findFirst({
          where: { id: request.params.recipientId, tenantId: access.tenantId },
        });
        if (!row) throw notFound("The alert recipient");
        await tx.alertEmailRecipient.delete({ where: { id: row.id } });
        await recordAuditEvent(tx, access, {
          action: "alerts.recipient_removed",
          target: `alert_recipient:${row.id}`,
          details: { email: row.email },
        });
      });
      return reply.status(204).send(null);
    },
  );
};
