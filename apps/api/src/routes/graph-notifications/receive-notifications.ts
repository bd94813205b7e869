// Microsoft Graph calls these (public, no bearer token: the clientState of each notification is the check).
// A notification only asks for an incremental run: it is verified, the tenant's debounced job is enqueued, and
// Graph gets its 202 at once; nothing runs inline. Graph retries a 5xx, so a queue outage answers 503.
import { requestGraphSubscriptions, requestIncrementalRunSoon } from "@techsync/jobs";
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { callQueue } from "../../job-queue";
import { verifyNotifications } from "./verify-notifications";

/** Graph batches notifications; this bounds a POST's size and work (each POST is one database query). */
const MAX_NOTIFICATIONS_PER_POST = 1000;
const BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * Per client address and minute. Graph sends from a few addresses, in bursts, and a refused POST is retried and
 * counts against our endpoint's standing with Graph, so the limit sits far above the API's usual one; it still
 * bounds what one abusive address can make us do.
 */
const NOTIFICATIONS_PER_MINUTE = 6000;

const ZQuery = z.object({ validationToken: z.string().max(2048).optional() });
const ZBody = z.object({ value: z.array(z.unknown()).max(MAX_NOTIFICATIONS_PER_POST) });

/** The validation handshake: the decoded token back, verbatim, as plain text (never HTML). */
function echo(token: string) {
  return { type: "text/plain; charset=utf-8", body: token };
}

/**
 * What both endpoints do first: answer the validation handshake, or read the list of notifications. Null when it
 * has answered (the handshake, or a 400 in words).
 */
function readNotifications(
  request: { query: z.infer<typeof ZQuery>; body: unknown },
  reply: FastifyReply,
): unknown[] | null {
  const token = request.query.validationToken;
  if (token !== undefined) {
    const answer = echo(token);
    reply.status(200).type(answer.type).send(answer.body);
    return null;
  }
  const parsed = ZBody.safeParse(request.body);
  if (!parsed.success) {
    reply
      .status(400)
      .send({ error: "invalid_request", message: "Expected a JSON body with a list of notifications in value." });
    return null;
  }
  return parsed.data.value;
}

const routeOptions = {
  bodyLimit: BODY_LIMIT_BYTES,
  config: { rateLimit: { max: NOTIFICATIONS_PER_MINUTE, timeWindow: "1 minute" } },
};

export const receiveGraphNotificationsRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/graph/notifications",
    {
      ...routeOptions,
      schema: {
        tags: ["graph"],
        summary: "Microsoft Graph change notifications (and their validation handshake); called by Graph",
        querystring: ZQuery,
      },
    },
    async (request, reply) => {
      const items = readNotifications(request, reply);
      if (!items) return reply;
      const verified = await verifyNotifications(deps, request.log, items);
      const tenants = new Set(verified.filter((notification) => notification.mayRun).map((n) => n.tenantId));
      if (verified.length > 0) {
        // How fresh the tenant is, for the portal: one write per POST, whatever its size.
        await deps.prisma.graphSubscription.updateMany({
          where: { subscriptionId: { in: [...new Set(verified.map((notification) => notification.subscriptionId))] } },
          data: { lastNotificationAt: new Date() },
        });
      }
      for (const tenantId of tenants) {
        await callQueue(
          () =>
            requestIncrementalRunSoon(
              deps.syncQueue,
              { tenantId, trigger: "notification" },
              deps.notificationDebounceMs,
            ),
          "the notification was not recorded; Graph will send it again.",
        );
      }
      return reply.status(202).send();
    },
  );

  app.post(
    "/v1/graph/lifecycle",
    {
      ...routeOptions,
      schema: {
        tags: ["graph"],
        summary: "Microsoft Graph lifecycle notifications (reauthorization, removal); called by Graph",
        querystring: ZQuery,
      },
    },
    async (request, reply) => {
      const items = readNotifications(request, reply);
      if (!items) return reply;
      const verified = await verifyNotifications(deps, request.log, items);
      for (const notification of verified) {
        const tenantId = notification.tenantId;
        await callQueue(async () => {
          if (notification.lifecycleEvent === "missed") {
            // Changes were lost: the incremental run's delta catches up on them.
            if (notification.mayRun) {
              await requestIncrementalRunSoon(
                deps.syncQueue,
                { tenantId, trigger: "notification" },
                deps.notificationDebounceMs,
              );
            }
            return;
          }
          // reauthorizationRequired (or a removal): renewing reauthorizes, and a subscription Graph lost is
          // created again. The worker makes the Graph calls.
          await requestGraphSubscriptions(deps.syncQueue, { tenantId, action: "renew" });
        }, "the lifecycle notification was not recorded; Graph will send it again.");
      }
      return reply.status(202).send();
    },
  );
};
