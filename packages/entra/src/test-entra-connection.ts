// The portal's "Test connection": get a token, read which permissions were consented, prove it with
// one real read, and say what to do about anything missing, in plain words.
import { GROUP_SELECT } from "./directory-objects";
import { createTenantClients, type EntraConnectionConfig } from "./entra-directory-source";
import { CONSENT_HINT, EntraError, REQUIRED_PERMISSIONS, type RequiredPermission } from "./entra-errors";
import { decodeTokenClaims } from "./tenant-token-provider";

export interface PermissionCheck {
  permission: RequiredPermission;
  granted: boolean;
}

export interface ConnectionProblem {
  kind: EntraError["kind"];
  code: string;
  message: string;
  hint: string | undefined;
  requestId?: string;
  correlationId?: string;
}

export interface EntraConnectionTest {
  /** True when a token was issued, every permission is granted and the read succeeded. */
  ok: boolean;
  token:
    | { ok: true; tenantId: string | undefined; appId: string | undefined }
    | { ok: false; problem: ConnectionProblem };
  /** Empty when no token could be had. */
  permissions: PermissionCheck[];
  /** The proving read: one group from the directory. Absent when no token could be had. */
  read?: { ok: true; sampleGroup: string | null } | { ok: false; problem: ConnectionProblem };
  /** One line per finding, for the portal. */
  summary: string[];
}

function problemOf(error: unknown): ConnectionProblem {
  if (error instanceof EntraError) {
    return {
      kind: error.kind,
      code: error.code,
      message: error.message,
      hint: error.hint,
      ...(error.requestId ? { requestId: error.requestId } : {}),
      ...(error.correlationId ? { correlationId: error.correlationId } : {}),
    };
  }
  return {
    kind: "unexpected",
    code: "unexpected",
    message: error instanceof Error ? error.message : String(error),
    hint: "Try again; if it persists, contact support.",
  };
}

export async function testEntraConnection(config: EntraConnectionConfig): Promise<EntraConnectionTest> {
  const summary: string[] = [];
  let tokens: ReturnType<typeof createTenantClients>;
  let claims: { roles: string[]; tid?: string; appid?: string };
  try {
    tokens = createTenantClients(config);
    // Fresh, not cached: a cached token keeps the roles it had before a consent change.
    const token = await tokens.tokens.acquire({ fresh: true });
    claims = decodeTokenClaims(token.accessToken);
  } catch (error) {
    const problem = problemOf(error);
    summary.push(`Could not sign in: ${problem.message}`, ...(problem.hint ? [`What to do: ${problem.hint}`] : []));
    return { ok: false, token: { ok: false, problem }, permissions: [], summary };
  }
  summary.push(
    `Signed in to tenant ${claims.tid ?? config.tenantId} as application ${claims.appid ?? config.clientId}.`,
  );

  const permissions = REQUIRED_PERMISSIONS.map((permission) => ({
    permission,
    granted: claims.roles.includes(permission),
  }));
  for (const check of permissions) summary.push(`${check.permission}: ${check.granted ? "granted" : "missing"}`);
  const missing = permissions.filter((check) => !check.granted);
  if (missing.length > 0) summary.push(`What to do: ${CONSENT_HINT}`);

  let read: EntraConnectionTest["read"];
  try {
    const page = await tokens.graph.get<{ value: { displayName?: string }[] }>(
      `/groups?$top=1&$select=${GROUP_SELECT.join(",")}`,
    );
    const sampleGroup = page.value[0]?.displayName ?? null;
    read = { ok: true, sampleGroup };
    summary.push(
      sampleGroup
        ? `Read the directory: found the group “${sampleGroup}”.`
        : "Read the directory: it has no groups yet.",
    );
  } catch (error) {
    const problem = problemOf(error);
    read = { ok: false, problem };
    summary.push(
      `Could not read the directory: ${problem.message}`,
      ...(problem.hint ? [`What to do: ${problem.hint}`] : []),
    );
  }
  return {
    ok: missing.length === 0 && read.ok,
    token: { ok: true, tenantId: claims.tid, appId: claims.appid },
    permissions,
    read,
    summary,
  };
}
