// Graph's /subscriptions resource (change notifications) for the calling app in the token's tenant.
import type { FastifyInstance, FastifyReply } from "fastify";
import { callerOf, READ_GROUPS, READ_USERS, requireRole } from "./graph-caller";
import type { GraphEmulatorContext } from "./graph-emulator-context";
import { graphError } from "./graph-responses";
import {
  type EmulatedSubscription,
  notFound,
  type SubscriptionError,
  type SubscriptionRequest,
} from "./graph-subscriptions";

/** The subscription as Graph answers it: clientState is never sent back. */
function render(subscription: EmulatedSubscription) {
  const { tenantId: _tenant, clientState: _secret, ...visible } = subscription;
  return {
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity",
    ...visible,
    includeResourceData: false,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationQueryOptions: null,
    notificationUrlAppId: null,
  };
}

function fail(reply: FastifyReply, error: SubscriptionError) {
  return graphError(reply, error.status, error.code, error.message);
}

export function registerSubscriptionRoutes(graph: FastifyInstance, context: GraphEmulatorContext) {
  const store = context.subscriptions;

  graph.post("/subscriptions", async (request, reply) => {
    const body = (request.body ?? {}) as SubscriptionRequest;
    const resource = typeof body.resource === "string" ? body.resource.replace(/^\//, "").toLowerCase() : "";
    // The permission that reads the resource is the one a subscription on it needs.
    if (!requireRole(request, reply, resource.startsWith("users") ? READ_USERS : READ_GROUPS)) return reply;
    const caller = callerOf(request);
    const created = await store.create(caller.tenant.tenantId, caller.appId, body);
    if ("status" in created) return fail(reply, created);
    return reply.code(201).send(render(created));
  });

  graph.get("/subscriptions", async (request) => {
    const caller = callerOf(request);
    return {
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscriptions",
      value: store.list(caller.tenant.tenantId, caller.appId).map(render),
    };
  });

  graph.get<{ Params: { id: string } }>("/subscriptions/:id", async (request, reply) => {
    const caller = callerOf(request);
    const subscription = store.get(caller.tenant.tenantId, caller.appId, request.params.id);
    return subscription ? render(subscription) : fail(reply, notFound(request.params.id));
  });

  graph.patch<{ Params: { id: string } }>("/subscriptions/:id", async (request, reply) => {
    const caller = callerOf(request);
    const updated = await store.update(
      caller.tenant.tenantId,
      caller.appId,
      request.params.id,
      (request.body ?? {}) as SubscriptionRequest,
    );
    return "status" in updated ? fail(reply, updated) : render(updated);
  });

  graph.delete<{ Params: { id: string } }>("/subscriptions/:id", async (request, reply) => {
    const caller = callerOf(request);
    if (!store.delete(caller.tenant.tenantId, caller.appId, request.params.id)) {
      return fail(reply, notFound(request.params.id));
    }
    return reply.code(204).send();
  });

  // Reauthorizes without extending the expiry.
  graph.post<{ Params: { id: string } }>("/subscriptions/:id/reauthorize", async (request, reply) => {
    const caller = callerOf(request);
    if (!store.get(caller.tenant.tenantId, caller.appId, request.params.id)) {
      return fail(reply, notFound(request.params.id));
    }
    return reply.code(204).send();
  });
}
