// A small in-memory stand-in for apps/api, speaking the API's routes and checking the portal's
// JWTs exactly as the API must (HS256, iss techsync-portal, aud techsync-api, scope portal:auth for
// /v1/auth/*). The browser test drives the real portal against it while apps/api is being built.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { jwtVerify } from "jose";

/** A run's counts as the API answers them: every action kind has its cell (the contract's one shape). */
function countsWith(cells: Record<string, { planned: number; succeeded: number; failed: number; skipped: number }>) {
  const zero = () => ({ planned: 0, succeeded: 0, failed: 0, skipped: 0 });
  return { create: zero(), adopt: zero(), update: zero(), enable: zero(), disable: zero(), ...cells };
}

interface StubUser {
  id: string;
  email: string;
  name?: string;
  password: string;
}
interface StubRun {
  id: string;
  trigger: string;
  dryRun: boolean;
  status: string;
  requestedBy: string;
  approvedBy: null;
  cancelRequestedAt: string | null;
  counts: Record<string, unknown> | null;
  report: Record<string, unknown> | null;
  phase: string | null;
  progress: { done: number; total: number } | null;
  error: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  actions: Record<string, unknown>[];
  /** rule 14: the tenant's configuration version when the run started (the API's configuration fingerprint). */
  configVersion?: number;
}
interface StubTenant {
  id: string;
  name: string;
  members: { userId: string; role: string }[];
  settings: Record<string, unknown>;
  defaultPassword?: string;
  rescue?: Record<string, unknown> & { password?: string; apiToken?: string };
  entra?: Record<string, unknown> & { clientSecret?: string };
  mappings: Record<string, unknown>[];
  runs: StubRun[];
  technicians: { email: string; name: string; groupId: number; entraUserId: string; nodeId: number }[];
  logs: { id: string; level: string; message: string; context: unknown; createdAt: string; runId: string }[];
  apiKeys: Record<string, unknown>[];
  invitations: StubInvitation[];
  /** rule 14: bumped by every change that alters a plan (pairs, connections, plan settings). */
  configVersion: number;
}
interface StubInvitation {
  id: string;
  token: string;
  email: string;
  role: string;
  createdAt: string;
  expiresAt: string;
  invitedBy: { userId: string; email: string; name: string | null };
  acceptedAt?: string;
  revokedAt?: string;
}

/** The sandbox directory: each Entra group's members. */
export const stubEntraGroups = [
  { id: "g-support", displayName: "Support Engineers", description: "Tier 1 and 2 support", members: 3 },
  { id: "g-field-north", displayName: "Field Technicians North", description: "On-site, northern region", members: 2 },
  { id: "g-helpdesk", displayName: "Helpdesk", description: null, members: 4 },
  { id: "g-all", displayName: "All Staff", description: "Everyone", members: 20 },
];
export const stubRescueGroups = [
  { id: 101, parentId: null, name: "Technicians", path: ["Technicians"] },
  { id: 102, parentId: 101, name: "Support", path: ["Technicians", "Support"] },
  { id: 103, parentId: 101, name: "Field Engineers", path: ["Technicians", "Field Engineers"] },
  { id: 104, parentId: 103, name: "North", path: ["Technicians", "Field Engineers", "North"] },
  { id: 105, parentId: 103, name: "South", path: ["Technicians", "Field Engineers", "South"] },
];

function rescueGroupNameOf(id: number): string | null {
  return stubRescueGroups.find((g) => g.id === id)?.name ?? null;
}

/** The worker's report for a stub run: the per-pair summary and the warnings a person needs to judge a preview. */
function stubReport(
  mappings: Record<string, unknown>[],
  scope: ReadonlyMap<string, { mappingId: string }>,
  planned: readonly { email: string }[],
) {
  const creating = new Set(planned.map((u) => u.email));
  const pairs = mappings.map((m) => {
    const members = membersOf(String(m.entraGroupId));
    const owned = members.filter((u) => scope.get(u.email)?.mappingId === m.id);
    const lost = new Map<string, number>();
    for (const u of members) {
      const owner = scope.get(u.email)?.mappingId;
      if (owner && owner !== m.id) lost.set(owner, (lost.get(owner) ?? 0) + 1);
    }
    const lostTo = [...lost].map(([mappingId, count]) => ({
      mappingId,
      priority: Number(mappings.find((x) => x.id === mappingId)?.priority ?? 0),
      count,
    }));
    const entraGroupName = stubEntraGroups.find((g) => g.id === m.entraGroupId)?.displayName ?? null;
    return {
      mappingId: String(m.id),
      priority: Number(m.priority ?? 0),
      entraGroupId: String(m.entraGroupId),
      entraGroupName,
      rescueGroup: { id: Number(m.rescueGroupId), name: rescueGroupNameOf(Number(m.rescueGroupId)) },
      members: members.length,
      inScope: members.length,
      owned: owned.length,
      create: owned.filter((u) => creating.has(u.email)).length,
      adopt: 0,
      update: 0,
      enable: 0,
      disable: 0,
      lostTo,
      ...(owned.length === 0 && members.length > 0
        ? {
            catchesNobody: {
              takenBy: lostTo.map((l) => l.mappingId),
              message: "Catches nobody: all its users are taken by a higher-priority pair",
            },
          }
        : {}),
    };
  });
  const warnings = pairs
    .filter((p) => p.members === 0)
    .map((p) => ({
      code: "empty-entra-group",
      mappingId: p.mappingId,
      message: `"${p.entraGroupName ?? p.entraGroupId}" has no members: this pair brings nobody`,
    }));
  return { pairs, warnings, warningCount: warnings.length, licencesNeeded: planned.length };
}

function membersOf(groupId: string) {
  const group = stubEntraGroups.find((g) => g.id === groupId);
  return Array.from({ length: group?.members ?? 0 }, (_, i) => ({
    entraUserId: `${groupId}-u${i + 1}`,
    displayName: `${group?.displayName.split(" ")[0]} Person ${i + 1}`,
    email: `${groupId.slice(2)}.${i + 1}@contoso-demo.example`,
  }));
}

export interface StubApi {
  url: string;
  tenants: Map<string, StubTenant>;
  /** A real run stopped by the safety threshold (rule 11): it would disable `count` technicians. */
  addBlockedRun(tenantId: string, count: number): string;
  close(): Promise<void>;
}

export async function startStubApi(
  tokenSecret: string,
  /** portalOrigin: where invitation links point (tests open their path on the portal they started). */
  options: { runStepMs?: number; portalOrigin?: string } = {},
): Promise<StubApi> {
  const key = new TextEncoder().encode(tokenSecret);
  const users = new Map<string, StubUser>();
  const tenants = new Map<string, StubTenant>();
  const stepMs = options.runStepMs ?? 250;
  const loginAttempts = new Map<string, number>();

  const now = () => new Date().toISOString();
  const error = (status: number, code: string, message: string, details?: unknown[]) => ({
    status,
    body: { error: code, message, requestId: randomUUID(), ...(details ? { details } : {}) },
  });

  function newTenant(name: string, ownerId: string): StubTenant {
    const tenant: StubTenant = {
      id: randomUUID(),
      name,
      members: [{ userId: ownerId, role: "owner" }],
      settings: {
        scheduleIntervalMinutes: 60,
        paused: true,
        sandboxMode: false,
        safetyThreshold: { percent: 10, minimum: 5 },
        ssoIdSource: "rescue",
        attributeMapping: null,
        includeGuests: false,
        attentionReason: null,
        quarantinedUntil: null,
        nextRunAt: null,
        activatedAt: null,
        createdAt: now(),
      },
      configVersion: 0,
      mappings: [],
      runs: [],
      technicians: [],
      logs: [],
      apiKeys: [],
      invitations: [],
    };
    tenants.set(tenant.id, tenant);
    return tenant;
  }

  function tenantView(t: StubTenant) {
    return { id: t.id, name: t.name, ...t.settings, hasDefaultPassword: Boolean(t.defaultPassword) };
  }

  /** rule 14, as the API answers it: Start syncing only after a successful preview of the current configuration. */
  function activationOf(t: StubTenant) {
    const preview = t.runs.find((r) => r.dryRun);
    const current = preview?.configVersion === t.configVersion;
    const reason = t.settings.activatedAt
      ? `Syncing already started on ${t.settings.activatedAt}.`
      : !preview
        ? "No preview yet: preview the current configuration, then press Start syncing."
        : preview.status === "queued" || preview.status === "running"
          ? "The preview is still running: wait for it to finish, then press Start syncing."
          : preview.status !== "succeeded"
            ? "The last preview did not succeed: fix what it reports and preview again."
            : !current
              ? "The configuration changed since the preview: preview it again, then press Start syncing."
              : null;
    return {
      activatedAt: t.settings.activatedAt ?? null,
      activatedBy: null,
      canStart: reason === null,
      reason,
      preview: preview ? { runId: preview.id, status: preview.status, finishedAt: preview.finishedAt, current } : null,
    };
  }

  function advance(tenant: StubTenant, run: StubRun) {
    const scope = new Map<
      string,
      { entraUserId: string; displayName: string; email: string; groupId: number; mappingId: string }
    >();
    // Like the worker: pairs in priority order, a user belongs to the first pair holding them (rule 8).
    const byPriority = [...tenant.mappings].sort((a, b) => Number(a.priority ?? 0) - Number(b.priority ?? 0));
    for (const m of byPriority) {
      for (const u of membersOf(String(m.entraGroupId))) {
        if (!scope.has(u.email))
          scope.set(u.email, { ...u, groupId: Number(m.rescueGroupId), mappingId: String(m.id) });
      }
    }
    const planned = [...scope.values()].filter((u) => !tenant.technicians.some((t) => t.email === u.email));
    const total = Math.max(planned.length, 1);
    run.status = "running";
    run.startedAt = now();
    run.phase = "Reading Entra ID and Rescue";
    run.progress = { done: 0, total };
    let step = 0;
    const timer = setInterval(() => {
      step += 1;
      run.phase = run.dryRun ? "Planning" : "Creating technicians";
      run.progress = { done: Math.min(total, Math.ceil((total * step) / 4)), total };
      if (step < 4) return;
      clearInterval(timer);
      run.actions = planned.map((u, i) => ({
        seq: i + 1,
        kind: "create",
        status: run.dryRun ? "planned" : "succeeded",
        entraUserId: u.entraUserId,
        rescueNodeId: run.dryRun ? null : 5000 + i,
        rescueGroupId: u.groupId,
        rescueGroupName: rescueGroupNameOf(u.groupId),
        displayName: u.displayName,
        email: u.email,
        reason: `New technician in Rescue group "${rescueGroupNameOf(u.groupId)}" (${u.groupId}): in scope of a mapped group and no technician has the email`,
        changes: null,
        cause: {
          code: "in-scope",
          sentence: `New technician in Rescue group "${rescueGroupNameOf(u.groupId)}" (${u.groupId}): in scope of a mapped group and no technician has the email`,
        },
        errorCode: null,
        error: null,
      }));
      run.report = stubReport(byPriority, scope, planned);
      if (!run.dryRun) {
        planned.forEach((u, i) => {
          tenant.technicians.push({ ...u, name: u.displayName, nodeId: 5000 + i });
        });
      }
      // The worker's shape: per kind, per action status.
      const cell = (n: number) => (run.dryRun ? { planned: n, succeeded: 0 } : { planned: 0, succeeded: n });
      run.counts = {
        create: { ...cell(planned.length), failed: 0, skipped: 0 },
        adopt: { ...cell(0), failed: 0, skipped: 0 },
        update: { ...cell(0), failed: 0, skipped: 0 },
        enable: { ...cell(0), failed: 0, skipped: 0 },
        disable: { ...cell(0), failed: 0, skipped: 0 },
      };
      run.status = "succeeded";
      run.phase = "Done";
      run.finishedAt = now();
      tenant.logs.unshift({
        id: randomUUID(),
        level: "info",
        message: `${run.dryRun ? "Preview" : "Run"} finished: ${planned.length} to create`,
        context: { runId: run.id },
        createdAt: now(),
        runId: run.id,
      });
    }, stepMs);
  }

  async function handle(req: http.IncomingMessage, body: Record<string, unknown>, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://stub");
    const parts = url.pathname.split("/").filter(Boolean);
    const method = req.method ?? "GET";
    if (url.pathname === "/healthz" || url.pathname === "/readyz") return { status: 200, body: { status: "ok" } };

    // Invitations by token: the preview is public (the link is the credential), acceptance needs a user.
    const byToken = (token: string | undefined) => {
      for (const tenant of tenants.values()) {
        const invitation = tenant.invitations.find((i) => i.token === token);
        const pending = invitation && !invitation.acceptedAt && !invitation.revokedAt;
        if (pending && new Date(invitation.expiresAt).getTime() > Date.now()) return { tenant, invitation };
      }
      return null;
    };
    const unusable = () => error(404, "not_found", "token: this invitation link does not work (any more).");
    if (parts[1] === "invitations" && !parts[3] && method === "GET") {
      const found = byToken(parts[2]);
      if (!found) return unusable();
      const { tenant, invitation } = found;
      return {
        status: 200,
        body: { tenant: { name: tenant.name }, role: invitation.role, expiresAt: invitation.expiresAt },
      };
    }

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!bearer) return error(401, "unauthorized", "Sign in first.");
    let claims: { sub?: string; scope?: unknown };
    try {
      ({ payload: claims } = await jwtVerify(bearer, key, { issuer: "techsync-portal", audience: "techsync-api" }));
    } catch {
      return error(401, "unauthorized", "The portal token is not valid.");
    }

    if (parts[1] === "auth") {
      if (claims.sub !== "portal" || claims.scope !== "portal:auth")
        return error(403, "forbidden", "Service token needed.");
      if (parts[2] === "signup" && method === "POST") {
        const email = String(body.email ?? "").toLowerCase();
        if (String(body.password ?? "").length < 10)
          return error(400, "validation", "The password must have at least 10 characters.", [
            { path: ["password"], message: "The password must have at least 10 characters." },
          ]);
        // Like the API: a registered email gets the same answer and nothing changes.
        const accepted = { status: 202, body: { status: "accepted", message: "Sign in to continue." } };
        if ([...users.values()].some((u) => u.email === email)) return accepted;
        const user = {
          id: randomUUID(),
          email,
          name: body.name as string | undefined,
          password: String(body.password),
        };
        users.set(user.id, user);
        // Without tenantName (signing up to accept an invitation) no organisation is made.
        if (body.tenantName) newTenant(String(body.tenantName), user.id);
        return accepted;
      }
      if (parts[2] === "login" && method === "POST") {
        const email = String(body.email ?? "").toLowerCase();
        const attempts = (loginAttempts.get(email) ?? 0) + 1;
        loginAttempts.set(email, attempts);
        if (attempts > 5) return error(429, "rate_limited", "Too many sign-in attempts. Try again in a minute.");
        const user = [...users.values()].find((u) => u.email === email && u.password === body.password);
        if (!user) return error(401, "invalid_credentials", "The email or password is wrong.");
        loginAttempts.delete(email);
        return { status: 200, body: { user: { id: user.id, email: user.email, name: user.name } } };
      }
      return error(404, "not_found", "No such route.");
    }

    const user = users.get(String(claims.sub));
    if (!user || claims.scope) return error(401, "unauthorized", "Unknown portal user.");
    if (parts[1] === "me") {
      const mine = [...tenants.values()].filter((t) => t.members.some((m) => m.userId === user.id));
      return {
        status: 200,
        body: {
          user: { id: user.id, email: user.email, name: user.name },
          tenants: mine.map((t) => ({
            id: t.id,
            name: t.name,
            role: t.members.find((m) => m.userId === user.id)?.role,
            sandboxMode: t.settings.sandboxMode,
          })),
        },
      };
    }
    if (parts[1] === "invitations" && parts[3] === "accept" && method === "POST") {
      const found = byToken(parts[2]);
      if (!found) return unusable();
      const { tenant, invitation } = found;
      if (invitation.email.toLowerCase() !== user.email)
        return error(403, "forbidden", "email: this invitation is for another email address.");
      if (tenant.members.some((m) => m.userId === user.id))
        return error(409, "conflict", "token: you are already a member of this organisation.");
      invitation.acceptedAt = now();
      tenant.members.push({ userId: user.id, role: invitation.role });
      return { status: 200, body: { tenant: { id: tenant.id, name: tenant.name }, role: invitation.role } };
    }
    if (parts[1] === "tenants" && !parts[2] && method === "POST") {
      const created = newTenant(String(body.name), user.id);
      return { status: 201, body: { id: created.id, name: created.name } };
    }
    const tenant = parts[1] === "tenants" ? tenants.get(parts[2] ?? "") : undefined;
    if (!tenant?.members.some((m) => m.userId === user.id)) return error(404, "not_found", "Not found.");
    const [resource, id, sub] = parts.slice(3);

    if (!resource) {
      if (method === "PATCH") {
        const { defaultPassword, ...rest } = body;
        if (typeof defaultPassword === "string") tenant.defaultPassword = defaultPassword;
        const interval = rest.scheduleIntervalMinutes;
        if (interval !== undefined && (typeof interval !== "number" || interval < 5 || interval > 1440))
          return error(400, "validation", "The schedule interval must be between 5 and 1440 minutes.", [
            { path: ["scheduleIntervalMinutes"], message: "The schedule interval must be between 5 and 1440 minutes." },
          ]);
        if (typeof rest.name === "string") tenant.name = rest.name;
        delete rest.name;
        Object.assign(tenant.settings, rest);
        if (["sandboxMode", "includeGuests", "ssoIdSource", "attributeMapping"].some((k) => k in rest))
          tenant.configVersion += 1;
        tenant.settings.nextRunAt =
          tenant.settings.paused || !tenant.settings.activatedAt
            ? null
            : new Date(Date.now() + 3_600_000).toISOString();
      }
      return { status: 200, body: tenantView(tenant) };
    }
    if (resource === "summary") {
      return {
        status: 200,
        body: {
          activatedAt: tenant.settings.activatedAt ?? null,
          lastRun: tenant.runs.find((r) => !r.dryRun) ?? null,
          nextRunAt: tenant.settings.nextRunAt,
          linkedTechnicians: tenant.technicians.length,
          recentRuns: tenant.runs
            .filter((r) => r.finishedAt)
            .slice(0, 30)
            .map(({ actions: _a, ...r }) => r),
          // No public address in the stub's world: a syncing tenant is polled; every real run here is full.
          freshness: {
            lastChangeReceivedAt: null,
            lastIncrementalRunAt: null,
            lastFullRunAt: tenant.runs.find((r) => !r.dryRun && r.finishedAt)?.finishedAt ?? null,
            changeFeed: tenant.settings.activatedAt && !tenant.settings.paused ? "polling" : "off",
          },
        },
      };
    }
    if (resource === "rescue-connection") {
      if (id === "test") {
        const ok = tenant.rescue?.apiToken?.startsWith("demotoken") ?? false;
        Object.assign(tenant.rescue ?? {}, { lastTestedAt: now(), lastTestOk: ok });
        return {
          status: 200,
          body: ok
            ? {
                ok,
                result: "connected",
                message:
                  "Connected to the Rescue organisation “Contoso Demo” (account 1001) as the Master Account Holder.",
                checks: [
                  { credential: "apiToken", outcome: "passed", message: "Rescue accepted the API token." },
                  { credential: "email", outcome: "passed", message: "The API token belongs to this email." },
                  { credential: "password", outcome: "skipped", message: "No password set: none is needed." },
                ],
                account: { organization: "Contoso Demo", accountId: 1001 },
                masterAdministrator: true,
                warnings: [],
              }
            : {
                ok,
                result: "token_invalid",
                message: "Rescue refused the API token: generate a new one in the Admin Center.",
                checks: [{ credential: "apiToken", outcome: "failed", message: "Rescue refused the API token." }],
                masterAdministrator: null,
                warnings: [],
              },
        };
      }
      if (method === "PUT") {
        tenant.configVersion += 1;
        const region = body.region ?? tenant.rescue?.region ?? "global";
        const moved = tenant.rescue !== undefined && tenant.rescue.region !== region;
        if ((!tenant.rescue || moved) && !body.apiToken)
          return error(400, "validation", "apiToken: required when the connection is first set.");
        tenant.rescue = {
          ...(moved ? {} : tenant.rescue),
          email: body.email,
          region,
          ...(body.password ? { password: String(body.password) } : {}),
          ...(body.apiToken ? { apiToken: String(body.apiToken) } : {}),
        };
      }
      if (!tenant.rescue) return error(404, "not_found", "No Rescue connection yet.");
      const { password, apiToken, ...shown } = tenant.rescue;
      return {
        status: 200,
        body: {
          lastTestedAt: null,
          lastTestOk: null,
          lastTestMessage: null,
          ...shown,
          hasPassword: !!password,
          hasApiToken: !!apiToken,
          // rule 15: the organisation the token belongs to, as the API records it at the save.
          organisation: apiToken?.startsWith("demotoken") ? { accountId: 1001, name: "Contoso Demo" } : null,
        },
      };
    }
    if (resource === "entra-connection") {
      if (id === "test") {
        const ok = Boolean(tenant.entra?.clientSecret?.startsWith("Dmo8Q"));
        return {
          status: 200,
          body: {
            ok,
            message: ok ? "Signed in to the directory as the app registration." : "Entra refused the client secret.",
            permissions: ["User.Read.All", "Group.Read.All", "Directory.Read.All"].map((permission) => ({
              permission,
              granted: ok,
            })),
            summary: ok ? [] : ["Create a new client secret and paste its value."],
          },
        };
      }
      if (method === "PUT") {
        tenant.configVersion += 1;
        tenant.entra = {
          ...tenant.entra,
          directoryId: body.directoryId,
          clientId: body.clientId,
          cloud: body.cloud ?? tenant.entra?.cloud ?? "global",
          ...(body.clientSecret ? { clientSecret: String(body.clientSecret) } : {}),
        };
      }
      if (!tenant.entra) return error(404, "not_found", "No Entra connection yet.");
      const { clientSecret, ...shown } = tenant.entra;
      return {
        status: 200,
        body: {
          lastTestedAt: null,
          lastTestOk: null,
          lastTestMessage: null,
          ...shown,
          hasClientSecret: !!clientSecret,
        },
      };
    }
    if (resource === "pickers" && id === "entra-groups") {
      const search = (url.searchParams.get("search") ?? "").toLowerCase();
      const groups = stubEntraGroups
        .filter((g) => g.displayName.toLowerCase().includes(search))
        .map(({ members: _m, ...g }) => g);
      return { status: 200, body: { groups } };
    }
    if (resource === "pickers" && id === "rescue-groups") return { status: 200, body: { groups: stubRescueGroups } };
    if (resource === "entra-users" && !id && method === "GET") {
      const search = (url.searchParams.get("search") ?? "").toLowerCase();
      const seen = new Map<string, { id: string; displayName: string; mail: string; userPrincipalName: string }>();
      for (const group of stubEntraGroups) {
        for (const u of membersOf(group.id)) {
          if (!seen.has(u.entraUserId) && `${u.displayName} ${u.email}`.toLowerCase().includes(search))
            seen.set(u.entraUserId, {
              id: u.entraUserId,
              displayName: u.displayName,
              mail: u.email,
              userPrincipalName: u.email,
            });
        }
      }
      return { status: 200, body: { users: [...seen.values()].slice(0, 25) } };
    }
    if (resource === "entra-users" && id && sub === "sync" && method === "POST") {
      // As the API answers a run of one user that ended: each pair's verdict, the match, the action, the result.
      const member = stubEntraGroups.flatMap((g) => membersOf(g.id)).find((u) => u.entraUserId === id);
      const dryRun = !tenant.settings.activatedAt;
      const byPriority = [...tenant.mappings].sort((a, b) => Number(a.priority) - Number(b.priority));
      const pairName = (m: Record<string, unknown>) =>
        `${stubEntraGroups.find((g) => g.id === m.entraGroupId)?.displayName ?? m.entraGroupId} → ${rescueGroupNameOf(Number(m.rescueGroupId))}`;
      const holding = byPriority.filter((m) => membersOf(String(m.entraGroupId)).some((u) => u.entraUserId === id));
      const pairs = byPriority.map((m) =>
        holding.includes(m)
          ? {
              mappingId: String(m.id),
              priority: Number(m.priority),
              pair: pairName(m),
              verdict: "in-scope",
              createsHere: m === holding[0],
              sentence: `In scope of pair '${pairName(m)}': a member of "${stubEntraGroups.find((g) => g.id === m.entraGroupId)?.displayName}"`,
            }
          : {
              mappingId: String(m.id),
              priority: Number(m.priority),
              pair: pairName(m),
              verdict: "not-a-member",
              sentence: `Not in pair '${pairName(m)}': not a member of "${stubEntraGroups.find((g) => g.id === m.entraGroupId)?.displayName}"`,
            },
      );
      const linked = tenant.technicians.find((t) => t.entraUserId === id);
      const first = holding[0];
      const create = !linked && member && first;
      if (create && !dryRun) {
        tenant.technicians.push({
          email: member.email,
          name: member.displayName,
          groupId: Number(first.rescueGroupId),
          entraUserId: member.entraUserId,
          nodeId: 6000 + tenant.technicians.length,
        });
      }
      const group = first ? rescueGroupNameOf(Number(first.rescueGroupId)) : null;
      const explanation = {
        entraUserId: id,
        user: member ? { displayName: member.displayName, email: member.email, accountEnabled: true } : null,
        pairs,
        match: linked
          ? {
              by: "link",
              rescueNodeId: linked.nodeId,
              technicianName: linked.name,
              sentence: `Linked to technician "${linked.name}" (${linked.nodeId})`,
            }
          : { by: "none", sentence: "No link and no technician with the same email anywhere in Rescue" },
        actions: create
          ? [
              {
                id: `create:${id}`,
                kind: "create",
                sentence: `New technician in Rescue group "${group}" (${first.rescueGroupId})`,
              },
            ]
          : [],
        result: !create
          ? { status: "nothing-to-do", sentence: "Nothing to do: Rescue already matches Entra for this user" }
          : dryRun
            ? { status: "dry-run", sentence: "Dry run: nothing was applied" }
            : { status: "applied", sentence: "Applied in Rescue" },
      };
      return {
        status: 200,
        body: { runId: randomUUID(), status: "succeeded", finished: true, dryRun, explanation, error: null },
      };
    }
    if (resource === "mappings") {
      if (id === "impact" && method === "POST") {
        // As the API: an estimate is a dry run planned with the proposal (a removal here), never saved.
        const proposal = (body.proposal ?? {}) as { change?: string; mappingId?: string };
        const target = tenant.mappings.find((m) => m.id === proposal.mappingId);
        if (!target) return error(404, "not_found", "The pair was not found.");
        if (tenant.technicians.length === 0) {
          const message = "No technician is linked yet, so this change disables and moves nobody.";
          return { status: 200, body: { estimate: "not_needed", message, run: null } };
        }
        const others = tenant.mappings.filter((m) => m !== target);
        const firstOther = (userId: string) =>
          proposal.change === "remove"
            ? others.find((m) => membersOf(String(m.entraGroupId)).some((u) => u.entraUserId === userId))
            : target;
        const removedMembers = membersOf(String(target.entraGroupId));
        const linked = tenant.technicians.filter((t) => removedMembers.some((u) => u.entraUserId === t.entraUserId));
        const gone = linked.filter((t) => !firstOther(t.entraUserId));
        const moved = linked.filter((t) => firstOther(t.entraUserId));
        const run: StubRun = {
          id: randomUUID(),
          trigger: "portal",
          dryRun: true,
          status: "succeeded",
          requestedBy: user.id,
          approvedBy: null,
          cancelRequestedAt: null,
          counts: countsWith({ disable: { planned: gone.length, succeeded: 0, failed: 0, skipped: 0 } }),
          report: {
            scopeChanges: moved.map((t) => ({
              entraUserId: t.entraUserId,
              displayName: t.name,
              fromMappingId: target.id,
              toMappingId: firstOther(t.entraUserId)?.id ?? null,
              linked: true,
            })),
          } as never,
          phase: "done",
          progress: { done: 1, total: 1 },
          error: null,
          queuedAt: now(),
          startedAt: now(),
          finishedAt: now(),
          actions: gone.map((t, i) => ({
            seq: i + 1,
            kind: "disable",
            status: "planned",
            entraUserId: t.entraUserId,
            rescueNodeId: t.nodeId,
            rescueGroupId: t.groupId,
            displayName: t.name,
            email: t.email,
            reason: "no longer in any mapped group (rule 6)",
            changes: null,
            errorCode: null,
            error: null,
          })),
        };
        // Last, as the API leaves estimates out of the dashboard's runs.
        tenant.runs.push(run);
        const { actions: _a, ...shownRun } = run;
        const message = "Estimating: a preview with this change is running. Its plan is the estimate.";
        return { status: 202, body: { estimate: "run", message, run: shownRun } };
      }
      if (method === "POST") {
        if (tenant.mappings.some((m) => m.entraGroupId === body.entraGroupId && m.rescueGroupId === body.rescueGroupId))
          return error(409, "conflict", "These two groups are already paired.");
        const mapping = { id: randomUUID(), ...body };
        tenant.mappings.push(mapping);
        tenant.configVersion += 1;
        return { status: 201, body: mapping };
      }
      if (method === "DELETE") {
        tenant.mappings = tenant.mappings.filter((m) => m.id !== id);
        tenant.configVersion += 1;
        return { status: 204, body: undefined };
      }
      return { status: 200, body: { mappings: tenant.mappings } };
    }
    if (resource === "activation") {
      if (method === "POST") {
        const state = activationOf(tenant);
        if (!state.canStart) return error(409, "conflict", String(state.reason));
        tenant.settings.activatedAt = now();
        tenant.settings.paused = false;
        tenant.settings.nextRunAt = new Date(Date.now() + 3_600_000).toISOString();
      }
      if (method === "GET") return { status: 200, body: activationOf(tenant) };
    }
    if (resource === "runs" || resource === "activation") {
      if (!id && method === "POST") {
        if (resource === "runs" && !body.dryRun && !tenant.settings.activatedAt)
          return error(
            409,
            "conflict",
            "Start syncing first: preview the current configuration, then press Start syncing.",
          );
        const live = tenant.runs.find((r) => r.status === "queued" || r.status === "running");
        if (live) return { status: 202, body: { run: live, deduplicated: true } };
        const run: StubRun = {
          id: randomUUID(),
          trigger: "portal",
          dryRun: Boolean(body.dryRun),
          status: "queued",
          requestedBy: user.id,
          approvedBy: null,
          cancelRequestedAt: null,
          counts: null,
          report: null,
          phase: null,
          progress: null,
          error: null,
          queuedAt: now(),
          startedAt: null,
          finishedAt: null,
          actions: [],
          configVersion: tenant.configVersion,
        };
        tenant.runs.unshift(run);
        setTimeout(() => advance(tenant, run), stepMs);
        if (resource === "activation") return { status: 202, body: { activation: activationOf(tenant), run } };
        return { status: 202, body: { run, deduplicated: false } };
      }
      if (!id) return { status: 200, body: { runs: tenant.runs.map(({ actions: _a, ...r }) => r) } };
      const run = tenant.runs.find((r) => r.id === id);
      if (!run) return error(404, "not_found", "No such run.");
      const { actions, ...shown } = run;
      if (sub === "actions") {
        const q = (url.searchParams.get("q") ?? "").toLowerCase();
        const kind = url.searchParams.get("kind");
        return {
          status: 200,
          body: {
            actions: actions.filter(
              (a) => (!kind || a.kind === kind) && (!q || `${a.displayName} ${a.email}`.toLowerCase().includes(q)),
            ),
          },
        };
      }
      if ((sub === "approve" || sub === "dismiss") && method === "POST") {
        if (run.status !== "blocked") return error(409, "conflict", "Only a blocked run can be approved or dismissed.");
        // As the API: the planned actions not approved (or all, on dismiss) become skipped with who decided.
        const notApplied = (action: (typeof actions)[number], error: string) => {
          action.status = "skipped";
          action.error = error;
        };
        if (sub === "dismiss") {
          run.status = "cancelled";
          run.error = "Dismissed by a person: nothing of it was applied.";
          for (const action of actions) if (action.status === "planned") notApplied(action, "Dismissed by Ada.");
          return { status: 200, body: { ...shown, status: run.status, error: run.error } };
        }
        const planIds = actions.filter((a) => a.status === "planned").map((a) => `${a.kind}:${a.entraUserId}`);
        const chosen = Array.isArray(body.actionIds) ? (body.actionIds as string[]) : undefined;
        if (chosen && chosen.length === 0) {
          return error(400, "bad_request", "Choose at least one action to approve, or dismiss the run.");
        }
        if (chosen?.some((actionId) => !planIds.includes(actionId))) {
          return error(400, "bad_request", "Only actions this run is waiting to apply can be approved.");
        }
        for (const action of actions) {
          if (chosen && !chosen.includes(`${action.kind}:${action.entraUserId}`))
            notApplied(action, "Not approved by Ada.");
        }
        run.approvedBy = user.id as never;
        run.status = "queued";
        run.finishedAt = null;
        setTimeout(() => {
          const applied = actions.filter((a) => a.status === "planned");
          run.status = "succeeded";
          run.finishedAt = now();
          run.counts = countsWith({
            disable: { planned: 0, succeeded: applied.length, failed: 0, skipped: actions.length - applied.length },
          });
          for (const action of applied) action.status = "succeeded";
        }, stepMs);
        return { status: 202, body: shown };
      }
      if (sub === "events") {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        const send = () => {
          const { actions: _a, ...current } = run;
          res.write(`event: progress\ndata: ${JSON.stringify(current)}\n\n`);
          if (run.finishedAt) {
            res.write("event: end\ndata: {}\n\n");
            res.end();
            clearInterval(timer);
          }
        };
        const timer = setInterval(send, 100);
        send();
        req.on("close", () => clearInterval(timer));
        return null;
      }
      return { status: 200, body: shown };
    }
    if (resource === "technicians") return { status: 200, body: { technicians: tenant.technicians } };
    if (resource === "activity") {
      // The sync log: one entry per action a real run applied, newest run first.
      const kind = url.searchParams.get("kind");
      const entries = [...tenant.runs]
        .reverse()
        .filter((run) => !run.dryRun)
        .flatMap((run) =>
          (run.actions ?? [])
            .filter((a) => a.status !== "planned" && (!kind || a.kind === kind))
            .map((a) => ({
              id: `${run.id}-${a.seq}`,
              runId: run.id,
              dryRun: false,
              kind: a.kind,
              status: a.status,
              entraUserId: a.entraUserId,
              rescueNodeId: a.rescueNodeId ?? null,
              displayName: a.displayName,
              email: a.email,
              rescueGroupId: a.rescueGroupId ?? null,
              rescueGroupName: a.rescueGroupName ?? null,
              changes: [],
              reason: a.reason,
              error: a.error ?? null,
              at: run.finishedAt ?? run.queuedAt,
            })),
        );
      if (id === "download") {
        res.writeHead(200, { "content-type": "text/csv" });
        res.end(`Time (UTC),User\r\n${entries.map((e) => `${e.at},${e.displayName}`).join("\r\n")}`);
        return null;
      }
      return { status: 200, body: { entries } };
    }
    if (resource === "logs") {
      const level = url.searchParams.get("level");
      const runId = url.searchParams.get("runId");
      const entries = tenant.logs.filter((e) => (!level || e.level === level) && (!runId || e.runId === runId));
      if (id === "download") {
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.end(entries.map((e) => JSON.stringify(e)).join("\n"));
        return null;
      }
      return { status: 200, body: { entries } };
    }
    if (resource === "members") {
      return {
        status: 200,
        body: {
          members: tenant.members.map((m) => ({
            ...m,
            email: users.get(m.userId)?.email,
            name: users.get(m.userId)?.name,
          })),
        },
      };
    }
    if (resource === "invitations") {
      const role = tenant.members.find((m) => m.userId === user.id)?.role;
      if (role !== "owner" && role !== "admin")
        return error(403, "forbidden", "Authorization: owners and admins only.");
      if (method === "POST") {
        const email = String(body.email ?? "").trim();
        if (!/^[^@\s]+@[^@\s]+$/.test(email))
          return error(400, "validation_failed", "body.email: Invalid email address", [
            { field: "body.email", message: "Invalid email address" },
          ]);
        const invitation: StubInvitation = {
          id: randomUUID(),
          token: `inv_${randomUUID().replaceAll("-", "")}.${randomUUID().replaceAll("-", "")}`,
          email,
          role: String(body.role),
          createdAt: now(),
          expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
          invitedBy: { userId: user.id, email: user.email, name: user.name ?? null },
        };
        tenant.invitations.push(invitation);
        const { token, ...view } = invitation;
        return {
          status: 201,
          body: { invitation: view, link: `${options.portalOrigin ?? "http://localhost:3000"}/invitations/${token}` },
        };
      }
      if (method === "DELETE") {
        const found = tenant.invitations.find((i) => i.id === id);
        if (!found) return error(404, "not_found", "The invitation was not found.");
        found.revokedAt ??= now();
        return { status: 204, body: undefined };
      }
      const pending = tenant.invitations.filter((i) => !i.acceptedAt && !i.revokedAt);
      return { status: 200, body: { invitations: pending.map(({ token: _t, ...view }) => view) } };
    }
    if (resource === "api-keys") {
      if (method === "POST") {
        const prefix = `tsk_${randomUUID().slice(0, 8)}`;
        const apiKey = {
          id: randomUUID(),
          name: body.name,
          prefix,
          scopes: body.scopes,
          createdAt: now(),
          lastUsedAt: null,
        };
        tenant.apiKeys.push(apiKey);
        return { status: 201, body: { apiKey, key: `${prefix}_${randomUUID().replaceAll("-", "")}` } };
      }
      if (method === "DELETE") {
        const found = tenant.apiKeys.find((k) => k.id === id);
        if (found) found.revokedAt = now();
        return { status: 204, body: undefined };
      }
      return { status: 200, body: { apiKeys: tenant.apiKeys } };
    }
    return error(404, "not_found", "No such route.");
  }

  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end('{"error":"bad_json","message":"Bad JSON."}');
        return;
      }
      handle(req, body, res)
        .then((answer) => {
          if (!answer) return;
          res.writeHead(answer.status, answer.body === undefined ? {} : { "content-type": "application/json" });
          res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
        })
        .catch((cause: unknown) => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: "internal", message: String(cause) }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tenants,
    addBlockedRun(tenantId, count) {
      const tenant = tenants.get(tenantId);
      if (!tenant) throw new Error(`no tenant ${tenantId}`);
      const id = randomUUID();
      tenant.runs.unshift({
        id,
        trigger: "schedule",
        dryRun: false,
        status: "blocked",
        requestedBy: "schedule",
        approvedBy: null,
        cancelRequestedAt: null,
        counts: countsWith({ disable: { planned: count, succeeded: 0, failed: 0, skipped: 0 } }),
        report: null,
        phase: "done",
        progress: { done: 0, total: count },
        error: null,
        queuedAt: now(),
        startedAt: now(),
        finishedAt: now(),
        actions: Array.from({ length: count }, (_, i) => ({
          seq: i + 1,
          kind: "disable",
          status: "planned",
          entraUserId: `gone-${i}`,
          rescueNodeId: 7000 + i,
          rescueGroupId: 102,
          rescueGroupName: "Support",
          displayName: `Former Person ${i + 1}`,
          email: `former.${i + 1}@contoso-demo.example`,
          reason: "No longer in any mapped group: removed from them, or deleted in Entra",
          changes: null,
          cause: {
            code: "left-mapped-groups",
            sentence: "No longer in any mapped group: removed from them, or deleted in Entra",
          },
          errorCode: null,
          error: null,
        })),
      });
      return id;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
