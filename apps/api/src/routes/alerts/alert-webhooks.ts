// Webhook endpoints of a tenant's alerts: create (the signing secret is in this answer only; it is kept in the
// secret box, bound to the webhook), delete, and "Send test" (a test event to that webhook alone, through the same
// queue, signature and delivery log as real alerts). URLs follow the outbound policy (webhook-url in alerts).

import { randomUUID } from "node:crypto";
import { generateSigningSecret, raiseAlert, webhookUrlRefusal } from "@techsync/alerts";
import { alertWebhookSecretField, tenantDataKey } from "@techsync/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { recordAuditEvent } from "../../audit/record-audit-event";
import { tenantAccessOf } from "../../auth/authenticate";
import { AppError, invalidField, notFound } from "../../errors";
import { callQueue } from "../../job-queue";
import { AUTHENTICATED_ERRORS, ZTenantParams } from "../common.types";
import {
  alertWebhookView,
  ZAlertWebhookParams,
  ZCreateAlertWebhookBody,
  ZCreatedAlertWebhook,
  ZSentTestAlert,
} from "./alerts.types";

export const MAX_ALERT_WEBHOOKS = 10;

export const alertWebhookRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/tenants/:tenantId/alerts/webhooks",
    {
      schema: {
        tags: ["alerts"],
        summary: "Add a webhook endpoint; its signing secret is shown in this answer only",
        params: ZTenantParams,
        body: ZCreateAlertWebhookBody,
        response: { 201: ZCreatedAlertWebhook, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    async (request, reply) => {
      const access = tenantAccessOf(request);
      const { url, events } = request.body;
      const refusal = webhookUrlRefusal(url, deps.webhookPolicy);
      if (refusal) throw invalidField("url", refusal);
      const signingSecret = generateSigningSecret();
      const row = await deps.prisma.$transaction(async (tx) => {
        if ((await tx.alertWebhook.count({ where: { tenantId: access.tenantId } })) >= MAX_ALERT_WEBHOOKS) {
          throw new AppError("conflict", `A tenant can have at most ${MAX_ALERT_WEBHOOKS} webhooks.`);
        }
        const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: access.tenantId } });
        const id = randomUUID();
        const signingSecretEnc = deps.secretBox.encrypt(
          tenant.id,
          tenantDataKey(tenant),
          alertWebhookSecretField(id),
          signingSecret,
        );
        const created = await tx.alertWebhook.create({
          data: { id, tenantId: access.tenantId, url, events, signingSecretEnc },
        });
        await recordAuditEvent(tx, access, {
          action: "alerts.webhook_added",
          target: `alert_webhook:${id}`,
          details: { url, events },
        });
        return created;
      });
      return reply.status(201).send({ webhook: alertWebhookView(row), signingSecret });
    },
  );
  app.delete(
    "/v1/tenants/:tenantId/alerts/webhooks/:webhookId",
    {
      schema: {
        tags: ["alerts"],
        summary: "Remove a webhook endpoint (its pending deliveries are dropped)",
        params: ZAlertWebhookParams,
        response: { 204: z.null().describe("Removed"), ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    async (request, reply) => {
      const access = tenantAccessOf(request);
      await deps.prisma.$transaction(async (tx) => {
        const row = await tx.alertWebhook.findFirst({
          where: { id: request.params.webhookId, tenantId: access.tenantId },
        });
        if (!row) throw notFound("The webhook");
        await tx.alertWebhook.delete({ where: { id: row.id } });
        await recordAuditEvent(tx, access, {
          action: "alerts.webhook_removed",
          target: `alert_webhook:${row.id}`,
          details: { url: row.url },
        });
      });
      return reply.status(204).send(null);
    },
  );
  app.post(
    "/v1/tenants/:tenantId/alerts/webhooks/:webhookId/test",
    {
      schema: {
        tags: ["alerts"],
        summary: "Send a test alert to one webhook; its attempts appear in the delivery log",
        params: ZAlertWebhookParams,
        response: { 202: ZSentTestAlert, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { tenant: "write" } },
    },
    async (request, reply) => {
      const access = tenantAccessOf(request);
      const webhook = await deps.prisma.alertWebhook.findFirst({
        where: { id: request.params.webhookId, tenantId: access.tenantId },
      });
      if (!webhook) throw notFound("The webhook");
      const queue = deps.alertQueue;
      if (!queue) throw new AppError("queue_unavailable", "Alerts cannot be sent by this deployment.");
      const { deliveries } = await callQueue(
        () =>
          raiseAlert(
            { prisma: deps.prisma, queue },
            {
              tenantId: access.tenantId,
              kind: "test",
              dedupeKey: `test:${randomUUID()}`,
              summary:
                "This is a test alert sent from the alerts page. Your endpoint received it and can check its signature.",
              fixPath: `/t/${access.tenantId}/alerts`,
            },
            { only: { emails: [], webhooks: [{ id: webhook.id, url: webhook.url }] } },
          ),
        "the test alert is saved and will be sent when it returns.",
      );
      return reply.status(202).send({ queued: deliveries });
    },
  );
};
