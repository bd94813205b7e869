// Every /v1 route, behind authentication (onRequest) and tenant authorisation (preHandler).
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { ApiDeps } from "../api-deps";
import { authenticate, authorize } from "../auth/authenticate";
import { invalidField } from "../errors";
import { getActivationRoute } from "./activation/get-activation";
import { startSyncingRoute } from "./activation/start-syncing";
import { downloadActivityRoute } from "./activity/download-activity";
import { listActivityRoute } from "./activity/list-activity";
import { alertDeliveryRoutes } from "./alerts/alert-deliveries";
import { alertRecipientRoutes } from "./alerts/alert-recipients";
import { alertSettingsRoutes } from "./alerts/alert-settings";
import { alertWebhookRoutes } from "./alerts/alert-webhooks";
import { createApiKeyRoute } from "./api-keys/create-api-key";
import { listApiKeysRoute } from "./api-keys/list-api-keys";
import { revokeApiKeyRoute } from "./api-keys/revoke-api-key";
import { downloadAuditEventsRoute } from "./audit-events/download-audit-events";
import { listAuditEventsRoute } from "./audit-events/list-audit-events";
import { logInRoute } from "./auth/log-in";
import { passwordResetRoutes } from "./auth/password-reset";
import { signInWithMicrosoftRoute } from "./auth/sign-in-with-microsoft";
import { signUpRoute } from "./auth/sign-up";
import { getEntraConnectionRoute } from "./entra-connection/get-entra-connection";
import { setEntraConnectionRoute } from "./entra-connection/set-entra-connection";
import { testEntraConnectionRoute } from "./entra-connection/test-entra-connection";
import { searchEntraUsersRoute } from "./entra-users/search-entra-users";
import { syncEntraUserRoute } from "./entra-users/sync-entra-user";
import { receiveGraphNotificationsRoute } from "./graph-notifications/receive-notifications";
import { acceptInvitationRoute } from "./invitations/accept-invitation";
import { createInvitationRoute } from "./invitations/create-invitation";
import { getInvitationRoute } from "./invitations/get-invitation";
import { listInvitationsRoute } from "./invitations/list-invitations";
import { revokeInvitationRoute } from "./invitations/revoke-invitation";
import { downloadLogsRoute } from "./logs/download-logs";
import { listLogsRoute } from "./logs/list-logs";
import { createMappingRoute } from "./mappings/create-mapping";
import { deleteMappingRoute } from "./mappings/delete-mapping";
import { estimateMappingChangeRoute } from "./mappings/estimate-mapping-change";
import { listMappingsRoute } from "./mappings/list-mappings";
import { reorderMappingsRoute } from "./mappings/reorder-mappings";
import { updateMappingRoute } from "./mappings/update-mapping";
import { getMeRoute } from "./me/get-me";
import { linkMicrosoftAccountRoute } from "./me/link-microsoft-account";
import { changeMemberRoleRoute } from "./members/change-member-role";
import { listMembersRoute } from "./members/list-members";
import { removeMemberRoute } from "./members/remove-member";
import { listRescueGroupsRoute } from "./pickers/list-rescue-groups";
import { searchEntraGroupsRoute } from "./pickers/search-entra-groups";
import { getRescueConnectionRoute } from "./rescue-connection/get-rescue-connection";
import { setRescueConnectionRoute } from "./rescue-connection/set-rescue-connection";
import { testRescueConnectionRoute } from "./rescue-connection/test-rescue-connection";
import { approveRunRoute } from "./runs/approve-run";
import { cancelRunRoute } from "./runs/cancel-run";
import { dismissRunRoute } from "./runs/dismiss-run";
import { getRunRoute } from "./runs/get-run";
import { getRunLogRoute } from "./runs/get-run-log";
import { listRunActionsRoute } from "./runs/list-run-actions";
import { listRunsRoute } from "./runs/list-runs";
import { retryRunRoute } from "./runs/retry-run";
import { startRunRoute } from "./runs/start-run";
import { streamRunEventsRoute } from "./runs/stream-run-events";
import { listTechniciansRoute } from "./technicians/list-technicians";
import { technicianHistoryRoute } from "./technicians/technician-history";
import { createTenantRoute } from "./tenants/create-tenant";
import { getTenantRoute } from "./tenants/get-tenant";
import { getTenantSummaryRoute } from "./tenants/get-tenant-summary";
import { updateTenantRoute } from "./tenants/update-tenant";

const ZNoQuery = z.strictObject({});

/** The path of the first string holding a NUL character: PostgreSQL text cannot store one. */
export function nulCharacterAt(value: unknown, path: string): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulCharacterAt(item, `${path}.${i}`);
      if (found) return found;
    }
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const found = nulCharacterAt(item, `${path}.${key}`) ?? (key.includes("\u0000") ? `${path}.${key}` : null);
      if (found) return found;
    }
  }
  return null;
}

const ROUTES = [
  signUpRoute,
  logInRoute,
  passwordResetRoutes,
  signInWithMicrosoftRoute,
  getMeRoute,
  linkMicrosoftAccountRoute,
  createTenantRoute,
  getTenantRoute,
  updateTenantRoute,
  getTenantSummaryRoute,
  getActivationRoute,
  startSyncingRoute,
  listMembersRoute,
  changeMemberRoleRoute,
  removeMemberRoute,
  listInvitationsRoute,
  createInvitationRoute,
  revokeInvitationRoute,
  getInvitationRoute,
  acceptInvitationRoute,
  getRescueConnectionRoute,
  setRescueConnectionRoute,
  testRescueConnectionRoute,
  getEntraConnectionRoute,
  setEntraConnectionRoute,
  testEntraConnectionRoute,
  searchEntraGroupsRoute,
  listRescueGroupsRoute,
  searchEntraUsersRoute,
  syncEntraUserRoute,
  listMappingsRoute,
  createMappingRoute,
  updateMappingRoute,
  reorderMappingsRoute,
  deleteMappingRoute,
  estimateMappingChangeRoute,
  startRunRoute,
  listRunsRoute,
  getRunRoute,
  listRunActionsRoute,
  getRunLogRoute,
  approveRunRoute,
  dismissRunRoute,
  cancelRunRoute,
  retryRunRoute,
  streamRunEventsRoute,
  listTechniciansRoute,
  technicianHistoryRoute,
  listLogsRoute,
  downloadLogsRoute,
  listAuditEventsRoute,
  downloadAuditEventsRoute,
  listActivityRoute,
  downloadActivityRoute,
  listApiKeysRoute,
  createApiKeyRoute,
  revokeApiKeyRoute,
  receiveGraphNotificationsRoute,
  alertSettingsRoutes,
  alertRecipientRoutes,
  alertWebhookRoutes,
  alertDeliveryRoutes,
];

export const v1Routes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.decorateRequest("principal", null);
  app.decorateRequest("tenantAccess", null);
  app.decorateRequest("clientAddress", "");
  // Unknown query parameters are refused like unknown body fields, also on routes that take none.
  app.addHook("onRoute", (route) => {
    if (route.schema && !route.schema.querystring) route.schema.querystring = ZNoQuery;
  });
  app.addHook("onRequest", authenticate(deps));
  // Before any schema: a NUL in any string of the request is refused here, naming where it was.
  app.addHook("preValidation", async (request) => {
    const field =
      nulCharacterAt(request.params, "params") ??
      nulCharacterAt(request.query, "query") ??
      nulCharacterAt(request.body, "body");
    if (field) throw invalidField(field, "must not contain a NUL character (\\u0000).");
  });
  app.addHook("preHandler", authorize(deps));
  for (const route of ROUTES) await app.register(route, deps);
};
