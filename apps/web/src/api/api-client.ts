// The portal's only way to reach TechSync data: typed calls to the API.
// Runs on the server only; every call carries a freshly signed short-lived token.

import type {
  AcceptedInvitation,
  ActionsReply,
  Activation,
  ActivityReply,
  AlertDeliveryAttemptView,
  AlertEventKind,
  AlertSettings,
  AlertWebhookView,
  ApiKey,
  ApiKeyScope,
  ApiKeysReply,
  AuditEventsReply,
  CreatedApiKey,
  CreatedInvitation,
  CreateMappingBody,
  EntraConnectionTest,
  EntraConnectionView,
  EntraGroupsReply,
  EntraUsersReply,
  Invitation,
  InvitationPreview,
  InvitationsReply,
  LinkMicrosoftAccountBody,
  LogInBody,
  LogsReply,
  Mapping,
  MappingConditionsInput,
  MappingFilter,
  MappingImpactReply,
  MappingProposal,
  MappingsReply,
  MemberView,
  MeReply,
  MicrosoftSignInBody,
  PasswordResetDone,
  PasswordResetRequested,
  RescueConnectionTest,
  RescueConnectionView,
  RescueGroupsReply,
  RetryRunReply,
  Role,
  Run,
  RunStatus,
  RunsReply,
  SetEntraConnectionBody,
  SetRescueConnectionBody,
  SignUpBody,
  SignUpReply,
  StartRunReply,
  StartSyncingReply,
  SyncUserReply,
  TechnicianHistoryReply,
  TechniciansReply,
  TenantSettings,
  TenantSettingsPatch,
  TenantSummary,
  TestEntraConnectionBody,
  TestRescueConnectionBody,
  UserReply,
} from "@techsync/api-contract";
import { ApiError, apiErrorFromResponse, unreachableApiError } from "./api-error";
import { signPortalServiceToken, signPortalUserToken } from "./api-token";
import type { Member, PortalUser } from "./api-types";

// Every answer is typed by the API contract's schema for that route: a changed schema fails this file's callers.
type SyncRun = Run;

/** What the mapping editor changes on a pair in place. */
export interface PairPatch {
  filter?: MappingFilter | null;
  conditions?: MappingConditionsInput | null;
  priority?: number;
  transitive?: boolean;
  rescueGroupId?: number;
  version?: number;
}

export interface ApiClientOptions {
  baseUrl: string;
  tokenSecret: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

type Query = Record<string, string | number | undefined | null>;

export type TechnicianFilters = {
  q?: string;
  status?: string;
  rescueGroupId?: string;
  mappingId?: string;
};
export type ActivityFilters = {
  runId?: string;
  kind?: string;
  status?: string;
  q?: string;
  from?: string;
  to?: string;
};
export type AuditFilters = {
  actor?: string;
  kind?: string;
  q?: string;
  from?: string;
  to?: string;
};

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Low-level transport: signs, sends, maps errors. */
export class ApiTransport {
  private readonly fetchImpl: typeof fetch;

  constructor(
    private readonly options: ApiClientOptions,
    private readonly token: () => Promise<string>,
  ) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Sends a request and returns the raw response when it succeeded (used for streams and downloads). */
  async raw(
    method: string,
    path: string,
    init: { body?: unknown; query?: Query; signal?: AbortSignal; stream?: boolean; timeoutMs?: number } = {},
  ) {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token()}` };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await this.fetchImpl(new URL(withQuery(path, init.query), this.options.baseUrl), {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        cache: "no-store",
        // A stream lives as long as its reader; everything else gives up after a timeout.
        signal: init.stream
          ? init.signal
          : (init.signal ?? AbortSignal.timeout(init.timeoutMs ?? this.options.timeoutMs ?? 30_000)),
      });
    } catch (error) {
      if (error instanceof Error && error.name === "AbortError" && init.signal?.aborted) throw error;
      throw unreachableApiError();
    }
    if (!response.ok) throw await apiErrorFromResponse(response);
    return response;
  }

  async json<T>(
    method: string,
    path: string,
    init: { body?: unknown; query?: Query; timeoutMs?: number } = {},
  ): Promise<T> {
    const response = await this.raw(method, path, init);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** Calls the portal may make before a user is known (service token, scope portal:auth). */
export class PortalAuthApi {
  private readonly transport: ApiTransport;

  /** `clientAddress`: the browser's address, for the API's sign-in limits (server/client-address.ts). */
  constructor(options: ApiClientOptions, clientAddress?: string) {
    this.transport = new ApiTransport(options, () =>
      signPortalServiceToken(options.tokenSecret, new Date(), clientAddress),
    );
  }

  /**
   * The same answer whether or not the email is registered; sign in next to find out. Without tenantName no
   * organisation is made (a person signing up to accept an invitation).
   */
  signUp(input: SignUpBody) {
    return this.transport.json<SignUpReply>("POST", "/v1/auth/signup", { body: input });
  }

  /** What an invitation link offers; a public route (the link is the credential), the token is simply unused. */
  invitation(token: string) {
    return this.transport.json<InvitationPreview>("GET", `/v1/invitations/${encodeURIComponent(token)}`);
  }

  logIn(input: LogInBody) {
    return this.transport.json<UserReply>("POST", "/v1/auth/login", { body: input });
  }

  microsoft(input: MicrosoftSignInBody) {
    return this.transport.json<UserReply>("POST", "/v1/auth/microsoft", { body: input });
  }

  /** "Forgot password?": the same answer whether or not an account uses the address. */
  requestPasswordReset(email: string) {
    return this.transport.json<PasswordResetRequested>("POST", "/v1/auth/password-reset", { body: { email } });
  }

  resetPassword(token: string, password: string) {
    return this.transport.json<PasswordResetDone>("POST", "/v1/auth/password-reset/confirm", {
      body: { token, password },
    });
  }
}

type RawMember = Partial<Member> & { id?: string; user?: PortalUser };

/** Everything a signed-in portal user does, as that user. */
export class PortalUserApi {
  private readonly transport: ApiTransport;

  constructor(options: ApiClientOptions, portalUserId: string) {
    this.transport = new ApiTransport(options, () => signPortalUserToken(options.tokenSecret, portalUserId));
  }

  me() {
    return this.transport.json<MeReply>("GET", "/v1/me");
  }

  /** Links a Microsoft account (oid + tid) the portal verified to this user. */
  linkMicrosoftAccount(input: LinkMicrosoftAccountBody) {
    return this.transport.json<UserReply>("PUT", "/v1/me/microsoft-account", { body: input });
  }

  acceptInvitation(token: string) {
    return this.transport.json<AcceptedInvitation>("POST", `/v1/invitations/${encodeURIComponent(token)}/accept`);
  }

  createTenant(name: string) {
    return this.transport.json<TenantSettings>("POST", "/v1/tenants", { body: { name } });
  }

  tenant(tenantId: string) {
    return new TenantApi(this.transport, `/v1/tenants/${encodeURIComponent(tenantId)}`);
  }
}

export class TenantApi {
  constructor(
    private readonly transport: ApiTransport,
    readonly basePath: string,
  ) {}

  private path(suffix = "") {
    return `${this.basePath}${suffix}`;
  }

  settings() {
    return this.transport.json<TenantSettings>("GET", this.path());
  }
  updateSettings(patch: TenantSettingsPatch) {
    return this.transport.json<TenantSettings>("PATCH", this.path(), { body: patch });
  }
  summary() {
    return this.transport.json<TenantSummary>("GET", this.path("/summary"));
  }

  /** null when no Rescue connection has been saved yet. */
  async rescueConnection(): Promise<RescueConnectionView | null> {
    return orNullWhenMissing(this.transport.json<RescueConnectionView>("GET", this.path("/rescue-connection")));
  }
  saveRescueConnection(input: SetRescueConnectionBody) {
    return this.transport.json<RescueConnectionView>("PUT", this.path("/rescue-connection"), { body: input });
  }
  /** The saved connection; or, with a candidate, the values as typed, tested without being saved. */
  testRescueConnection(candidate?: TestRescueConnectionBody["candidate"]) {
    return this.transport.json<RescueConnectionTest>("POST", this.path("/rescue-connection/test"), {
      body: candidate ? { candidate } : {},
    });
  }

  async entraConnection(): Promise<EntraConnectionView | null> {
    return orNullWhenMissing(this.transport.json<EntraConnectionView>("GET", this.path("/entra-connection")));
  }
  saveEntraConnection(input: SetEntraConnectionBody) {
    return this.transport.json<EntraConnectionView>("PUT", this.path("/entra-connection"), { body: input });
  }
  /** The saved connection; or, with a candidate, the values as typed, tested without being saved. */
  testEntraConnection(candidate?: TestEntraConnectionBody["candidate"]) {
    return this.transport.json<EntraConnectionTest>("POST", this.path("/entra-connection/test"), {
      body: candidate ? { candidate } : {},
    });
  }

  /** "Sync this user now": the tenant's Entra users by name or email. */
  entraUsers(query: { search?: string; pageToken?: string; pageSize?: number }) {
    return this.transport.json<EntraUsersReply>("GET", this.path("/entra-users"), { query });
  }
  /** A run of one user; the API waits up to 30 s for it, so this waits a little longer. */
  syncEntraUser(entraUserId: string) {
    return this.transport.json<SyncUserReply>(
      "POST",
      this.path(`/entra-users/${encodeURIComponent(entraUserId)}/sync`),
      { timeoutMs: 45_000 },
    );
  }
  entraGroups(query: { search?: string; pageToken?: string; pageSize?: number }) {
    return this.transport.json<EntraGroupsReply>("GET", this.path("/pickers/entra-groups"), { query });
  }
  rescueGroups() {
    return this.transport.json<RescueGroupsReply>("GET", this.path("/pickers/rescue-groups"));
  }

  mappings() {
    return this.transport.json<MappingsReply>("GET", this.path("/mappings"));
  }
  createMapping(input: CreateMappingBody) {
    return this.transport.json<Mapping>("POST", this.path("/mappings"), { body: input });
  }
  deleteMapping(mappingId: string) {
    return this.transport.json<void>("DELETE", this.path(`/mappings/${encodeURIComponent(mappingId)}`));
  }
  /** A pair changed in place (after the person saw its estimate); `version` refuses a change from a stale page. */
  updateMapping(mappingId: string, patch: PairPatch) {
    return this.transport.json<Mapping>("PATCH", this.path(`/mappings/${encodeURIComponent(mappingId)}`), {
      body: patch,
    });
  }
  /** The pairs' new order (highest priority first), saved in one go or refused when a pair changed since. */
  reorderMappings(order: { id: string; version: number }[]) {
    return this.transport.json<MappingsReply>("PUT", this.path("/mappings/order"), { body: { order } });
  }
  /** Estimates a change of the pairs before it is saved: a preview planned with it, or why there is none. */
  estimateMappingChange(proposal: MappingProposal) {
    return this.transport.json<MappingImpactReply>("POST", this.path("/mappings/impact"), { body: { proposal } });
  }

  /** rule 14: whether syncing started, and whether "Start syncing" is possible now (and if not, why). */
  activation() {
    return this.transport.json<Activation>("GET", this.path("/activation"));
  }
  /** rule 14: the schedule on and the first real run, once a preview of the current configuration succeeded. */
  startSyncing() {
    return this.transport.json<StartSyncingReply>("POST", this.path("/activation"), { body: {} });
  }

  startRun(dryRun: boolean) {
    return this.transport.json<StartRunReply>("POST", this.path("/runs"), {
      body: { dryRun },
    });
  }
  runs(query: { status?: RunStatus; limit?: number; cursor?: string } = {}) {
    return this.transport.json<RunsReply>("GET", this.path("/runs"), { query });
  }
  run(runId: string) {
    return this.transport.json<SyncRun>("GET", this.path(`/runs/${encodeURIComponent(runId)}`));
  }
  /** kind and status as the page's address gave them: the API answers 400 for one it does not know. */
  runActions(runId: string, query: { kind?: string; status?: string; q?: string; limit?: number; cursor?: string }) {
    return this.transport.json<ActionsReply>("GET", this.path(`/runs/${encodeURIComponent(runId)}/actions`), { query });
  }
  /** rule 11: every planned action (no ids) or the chosen ones (plan ids, `<kind>:<entra user id>`). */
  approveRun(runId: string, actionIds?: string[]) {
    return this.transport.json<SyncRun>("POST", this.path(`/runs/${encodeURIComponent(runId)}/approve`), {
      body: actionIds ? { actionIds } : {},
    });
  }
  dismissRun(runId: string) {
    return this.transport.json<SyncRun>("POST", this.path(`/runs/${encodeURIComponent(runId)}/dismiss`), { body: {} });
  }
  /** A queued run answers `cancelled` (200); a running one stays `running` with `cancelRequestedAt` set (202). */
  cancelRun(runId: string) {
    return this.transport.json<SyncRun>("POST", this.path(`/runs/${encodeURIComponent(runId)}/cancel`), { body: {} });
  }
  /** A new run like the ended one, or the tenant's run already queued or running (`deduplicated`). */
  retryRun(runId: string) {
    return this.transport.json<RetryRunReply>("POST", this.path(`/runs/${encodeURIComponent(runId)}/retry`), {
      body: {},
    });
  }
  /** The run's Server-Sent Events stream, as a raw response to pass through. */
  runEvents(runId: string, signal?: AbortSignal) {
    return this.transport.raw("GET", this.path(`/runs/${encodeURIComponent(runId)}/events`), {
      signal,
      stream: true,
    });
  }

  /** Filters as the page's address gave them: the API answers 400, in words, for one it does not take. */
  technicians(query: TechnicianFilters & { limit?: number; cursor?: string } = {}) {
    return this.transport.json<TechniciansReply>("GET", this.path("/technicians"), { query });
  }
  technicianHistory(linkId: string, query: { limit?: number; cursor?: string } = {}) {
    return this.transport.json<TechnicianHistoryReply>(
      "GET",
      this.path(`/technicians/${encodeURIComponent(linkId)}/history`),
      { query },
    );
  }

  /** The sync log: one entry per action a run applied or attempted. */
  activity(query: ActivityFilters & { limit?: number; cursor?: string }) {
    return this.transport.json<ActivityReply>("GET", this.path("/activity"), { query });
  }
  activityDownload(query: ActivityFilters & { format: "csv" | "ndjson" }) {
    return this.transport.raw("GET", this.path("/activity/download"), { query, timeoutMs: 120_000 });
  }
  auditEvents(query: AuditFilters & { limit?: number; cursor?: string }) {
    return this.transport.json<AuditEventsReply>("GET", this.path("/audit-events"), { query });
  }
  auditDownload(query: AuditFilters & { format: "csv" | "ndjson" }) {
    return this.transport.raw("GET", this.path("/audit-events/download"), { query, timeoutMs: 120_000 });
  }

  logs(query: { level?: string; runId?: string; limit?: number; cursor?: string }) {
    return this.transport.json<LogsReply>("GET", this.path("/logs"), { query });
  }
  /** The NDJSON download of the log, as a raw response to pass through. */
  logsDownload(query: { level?: string; runId?: string }) {
    return this.transport.raw("GET", this.path("/logs/download"), { query, timeoutMs: 120_000 });
  }

  async members(): Promise<Member[]> {
    const answer = await this.transport.json<{ members: RawMember[] } | RawMember[]>("GET", this.path("/members"));
    const list = Array.isArray(answer) ? answer : answer.members;
    // The contract leaves the member's shape open: accept a flat or a nested user.
    return list.map((m) => ({
      userId: m.userId ?? m.user?.id ?? m.id ?? "",
      email: m.email ?? m.user?.email ?? "",
      name: m.name ?? m.user?.name ?? null,
      role: m.role ?? "viewer",
    }));
  }
  async invitations(): Promise<Invitation[]> {
    return (await this.transport.json<InvitationsReply>("GET", this.path("/invitations"))).invitations;
  }
  invite(email: string, role: Role) {
    return this.transport.json<CreatedInvitation>("POST", this.path("/invitations"), { body: { email, role } });
  }
  revokeInvitation(invitationId: string) {
    return this.transport.json<void>("DELETE", this.path(`/invitations/${encodeURIComponent(invitationId)}`));
  }
  changeMemberRole(userId: string, role: Role) {
    return this.transport.json<MemberView>("PATCH", this.path(`/members/${encodeURIComponent(userId)}`), {
      body: { role },
    });
  }
  removeMember(userId: string) {
    return this.transport.json<void>("DELETE", this.path(`/members/${encodeURIComponent(userId)}`));
  }

  async apiKeys(): Promise<ApiKey[]> {
    const answer = await this.transport.json<ApiKeysReply | ApiKey[]>("GET", this.path("/api-keys"));
    return Array.isArray(answer) ? answer : answer.apiKeys;
  }
  createApiKey(name: string, scopes: ApiKeyScope[]) {
    return this.transport.json<CreatedApiKey>("POST", this.path("/api-keys"), {
      body: { name, scopes },
    });
  }
  revokeApiKey(keyId: string) {
    return this.transport.json<void>("DELETE", this.path(`/api-keys/${encodeURIComponent(keyId)}`));
  }

  alertSettings() {
    return this.transport.json<AlertSettings>("GET", this.path("/alerts"));
  }
  setOwnerAlertEvents(events: AlertEventKind[]) {
    return this.transport.json<AlertSettings>("PUT", this.path("/alerts/owners"), { body: { events } });
  }
  addAlertRecipient(email: string, events: AlertEventKind[]) {
    return this.transport.json<unknown>("POST", this.path("/alerts/recipients"), { body: { email, events } });
  }
  removeAlertRecipient(recipientId: string) {
    return this.transport.json<void>("DELETE", this.path(`/alerts/recipients/${encodeURIComponent(recipientId)}`));
  }
  createAlertWebhook(url: string, events: AlertEventKind[]) {
    return this.transport.json<{ webhook: AlertWebhookView; signingSecret: string }>(
      "POST",
      this.path("/alerts/webhooks"),
      { body: { url, events } },
    );
  }
  removeAlertWebhook(webhookId: string) {
    return this.transport.json<void>("DELETE", this.path(`/alerts/webhooks/${encodeURIComponent(webhookId)}`));
  }
  sendTestAlert(webhookId: string) {
    return this.transport.json<{ queued: number }>(
      "POST",
      this.path(`/alerts/webhooks/${encodeURIComponent(webhookId)}/test`),
    );
  }
  async alertDeliveries(): Promise<AlertDeliveryAttemptView[]> {
    return (await this.transport.json<{ attempts: AlertDeliveryAttemptView[] }>("GET", this.path("/alerts/deliveries")))
      .attempts;
  }
}

async function orNullWhenMissing<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
