// The portal's only way to reach TechSync data: typed calls to the API.
// Runs on the server only; every call carries a freshly signed short-lived token.
import { ApiError, apiErrorFromResponse, unreachableApiError } from "./api-error";
import { signPortalServiceToken, signPortalUserToken } from "./api-token";
import type {
  ApiKey,
  ApiKeyScope,
  CreatedInvitation,
  EntraConnection,
  EntraConnectionInput,
  EntraConnectionTest,
  EntraGroup,
  GroupMapping,
  GroupMappingInput,
  Invitation,
  InvitationPreview,
  LinkedTechnician,
  LogEntry,
  Member,
  PortalUser,
  RescueConnection,
  RescueConnectionInput,
  RescueConnectionTest,
  RescueGroup,
  Role,
  SyncAction,
  SyncRun,
  TenantMembership,
  TenantSettings,
  TenantSettingsPatch,
  TenantSummary,
} from "./api-types";

export interface ApiClientOptions {
  baseUrl: string;
  tokenSecret: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

type Query = Record<string, string | number | undefined | null>;

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

  async json<T>(method: string, path: string, init: { body?: unknown; query?: Query } = {}): Promise<T> {
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
  signUp(input: { email: string; password: string; name?: string; tenantName?: string }) {
    return this.transport.json<{ status: "accepted"; message: string }>("POST", "/v1/auth/signup", { body: input });
  }

  /** What an invitation link offers; a public route (the link is the credential), the token is simply unused. */
  invitation(token: string) {
    return this.transport.json<InvitationPreview>("GET", `/v1/invitations/${encodeURIComponent(token)}`);
  }

  logIn(input: { email: string; password: string }) {
    return this.transport.json<{ user: PortalUser }>("POST", "/v1/auth/login", { body: input });
  }

  microsoft(input: { entraObjectId: string; entraTenantId: string; email: string; name?: string }) {
    return this.transport.json<{ user: PortalUser }>("POST", "/v1/auth/microsoft", { body: input });
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
    return this.transport.json<{ user: PortalUser; tenants: TenantMembership[] }>("GET", "/v1/me");
  }

  /** Links a Microsoft account (oid + tid) the portal verified to this user. */
  linkMicrosoftAccount(input: { entraObjectId: string; entraTenantId: string }) {
    return this.transport.json<{ user: PortalUser }>("PUT", "/v1/me/microsoft-account", { body: input });
  }

  acceptInvitation(token: string) {
    return this.transport.json<{ tenant: { id: string; name: string }; role: Role }>(
      "POST",
      `/v1/invitations/${encodeURIComponent(token)}/accept`,
    );
  }

  createTenant(name: string) {
    return this.transport.json<{ id: string; name: string }>("POST", "/v1/tenants", { body: { name } });
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
  async rescueConnection(): Promise<RescueConnection | null> {
    return orNullWhenMissing(this.transport.json<RescueConnection>("GET", this.path("/rescue-connection")));
  }
  saveRescueConnection(input: RescueConnectionInput) {
    return this.transport.json<RescueConnection>("PUT", this.path("/rescue-connection"), { body: input });
  }
  testRescueConnection() {
    return this.transport.json<RescueConnectionTest>("POST", this.path("/rescue-connection/test"), { body: {} });
  }

  async entraConnection(): Promise<EntraConnection | null> {
    return orNullWhenMissing(this.transport.json<EntraConnection>("GET", this.path("/entra-connection")));
  }
  saveEntraConnection(input: EntraConnectionInput) {
    return this.transport.json<EntraConnection>("PUT", this.path("/entra-connection"), { body: input });
  }
  testEntraConnection() {
    return this.transport.json<EntraConnectionTest>("POST", this.path("/entra-connection/test"), { body: {} });
  }

  entraGroups(query: { search?: string; pageToken?: string; pageSize?: number }) {
    return this.transport.json<{ groups: EntraGroup[]; nextPageToken?: string }>(
      "GET",
      this.path("/pickers/entra-groups"),
      { query },
    );
  }
  rescueGroups() {
    return this.transport.json<{ groups: RescueGroup[] }>("GET", this.path("/pickers/rescue-groups"));
  }

  mappings() {
    return this.transport.json<{ mappings: GroupMapping[] }>("GET", this.path("/mappings"));
  }
  createMapping(input: GroupMappingInput) {
    return this.transport.json<GroupMapping>("POST", this.path("/mappings"), { body: input });
  }
  deleteMapping(mappingId: string) {
    return this.transport.json<void>("DELETE", this.path(`/mappings/${encodeURIComponent(mappingId)}`));
  }

  startRun(dryRun: boolean) {
    return this.transport.json<{ run: SyncRun; deduplicated: boolean }>("POST", this.path("/runs"), {
      body: { dryRun },
    });
  }
  runs(query: { status?: string; limit?: number; cursor?: string } = {}) {
    return this.transport.json<{ runs: SyncRun[]; nextCursor?: string }>("GET", this.path("/runs"), { query });
  }
  run(runId: string) {
    return this.transport.json<SyncRun>("GET", this.path(`/runs/${encodeURIComponent(runId)}`));
  }
  runActions(runId: string, query: { kind?: string; status?: string; q?: string; limit?: number; cursor?: string }) {
    return this.transport.json<{ actions: SyncAction[]; nextCursor?: string }>(
      "GET",
      this.path(`/runs/${encodeURIComponent(runId)}/actions`),
      { query },
    );
  }
  approveRun(runId: string) {
    return this.transport.json<unknown>("POST", this.path(`/runs/${encodeURIComponent(runId)}/approve`), { body: {} });
  }
  dismissRun(runId: string) {
    return this.transport.json<unknown>("POST", this.path(`/runs/${encodeURIComponent(runId)}/dismiss`), { body: {} });
  }
  /** The run's Server-Sent Events stream, as a raw response to pass through. */
  runEvents(runId: string, signal?: AbortSignal) {
    return this.transport.raw("GET", this.path(`/runs/${encodeURIComponent(runId)}/events`), {
      signal,
      stream: true,
    });
  }

  technicians(query: { q?: string; limit?: number; cursor?: string } = {}) {
    return this.transport.json<{ technicians: LinkedTechnician[]; nextCursor?: string }>(
      "GET",
      this.path("/technicians"),
      { query },
    );
  }

  logs(query: { level?: string; runId?: string; limit?: number; cursor?: string }) {
    return this.transport.json<{ entries: LogEntry[]; nextCursor?: string }>("GET", this.path("/logs"), { query });
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
    return (await this.transport.json<{ invitations: Invitation[] }>("GET", this.path("/invitations"))).invitations;
  }
  invite(email: string, role: Role) {
    return this.transport.json<CreatedInvitation>("POST", this.path("/invitations"), { body: { email, role } });
  }
  revokeInvitation(invitationId: string) {
    return this.transport.json<void>("DELETE", this.path(`/invitations/${encodeURIComponent(invitationId)}`));
  }
  changeMemberRole(userId: string, role: Role) {
    return this.transport.json<unknown>("PATCH", this.path(`/members/${encodeURIComponent(userId)}`), {
      body: { role },
    });
  }
  removeMember(userId: string) {
    return this.transport.json<void>("DELETE", this.path(`/members/${encodeURIComponent(userId)}`));
  }

  async apiKeys(): Promise<ApiKey[]> {
    const answer = await this.transport.json<{ apiKeys: ApiKey[] } | ApiKey[]>("GET", this.path("/api-keys"));
    return Array.isArray(answer) ? answer : answer.apiKeys;
  }
  createApiKey(name: string, scopes: ApiKeyScope[]) {
    return this.transport.json<{ apiKey: ApiKey; key: string }>("POST", this.path("/api-keys"), {
      body: { name, scopes },
    });
  }
  revokeApiKey(keyId: string) {
    return this.transport.json<void>("DELETE", this.path(`/api-keys/${encodeURIComponent(keyId)}`));
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
