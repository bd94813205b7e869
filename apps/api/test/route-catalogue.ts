// Every /v1 operation, read from the API's own OpenAPI document, with a valid body for each, so the
// isolation, secrets and bad-input tests cover routes added later without being told.
import type { FastifyInstance } from "fastify";

export interface Operation {
  method: string;
  /** OpenAPI form: /v1/tenants/{tenantId}/runs/{runId} */
  path: string;
  pathParams: string[];
  queryParams: { name: string; schema: JsonSchema }[];
  bodySchema: JsonSchema | undefined;
  /**
   * Who may call it: the portal's service token, a portal user, a tenant member / API key, or anyone (public:
   * the path holds its own credential, e.g. an invitation link's token).
   */
  audience: "service" | "user" | "tenant" | "public";
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  maxLength?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
  enum?: unknown[];
}

export async function v1Operations(app: FastifyInstance): Promise<Operation[]> {
  const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json() as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { in: string; name: string; schema: JsonSchema }[];
          requestBody?: { content: { "application/json": { schema: JsonSchema } } };
          security?: unknown[];
        }
      >
    >;
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith("/v1/")) continue;
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === "path").map((p) => p.name),
        queryParams: params.filter((p) => p.in === "query").map((p) => ({ name: p.name, schema: p.schema })),
        bodySchema: op.requestBody?.content["application/json"].schema,
        audience: !op.security
          ? "public"
          : path.startsWith("/v1/auth/")
            ? "service"
            : path.includes("{tenantId}")
              ? "tenant"
              : "user",
      });
    }
  }
  return operations;
}

/** A body each route accepts, so a refusal is about who asks, not what they send. */
export function validBody(op: Operation): Record<string, unknown> | undefined {
  const key = `${op.method} ${op.path}`;
  const unique = Math.random().toString(36).slice(2, 10);
  const bodies: Record<string, Record<string, unknown>> = {
    "POST /v1/auth/signup": {
      email: `signup-${unique}@example.test`,
      password: "correct horse battery",
      tenantName: "Signup Ltd",
    },
    "POST /v1/auth/login": { email: `nobody-${unique}@example.test`, password: "whatever-it-is" },
    "POST /v1/auth/password-reset": { email: `nobody-${unique}@example.test` },
    "POST /v1/auth/password-reset/confirm": { token: `no-such-token-${unique}-0123456789`, password: "whatever-it-is" },
    "POST /v1/auth/microsoft": {
      entraObjectId: `oid-${unique}`,
      entraTenantId: `tid-${unique}`,
      email: `ms-${unique}@example.test`,
    },
    "PUT /v1/me/microsoft-account": { entraObjectId: `oid-${unique}`, entraTenantId: `tid-${unique}` },
    "POST /v1/tenants": { name: "Another tenant" },
    "PATCH /v1/tenants/{tenantId}": { name: "Renamed", scheduleIntervalMinutes: 60 },
    "POST /v1/tenants/{tenantId}/invitations": { email: `invitee-${unique}@example.test`, role: "viewer" },
    "PATCH /v1/tenants/{tenantId}/members/{userId}": { role: "admin" },
    "PUT /v1/tenants/{tenantId}/rescue-connection": {
      email: "mah@example.test",
      password: "walker-password",
      apiToken: "walker-token",
    },
    "PUT /v1/tenants/{tenantId}/entra-connection": {
      directoryId: "contoso.example",
      clientId: "a1c2e3f4-0b1d-4c5e-8f90-123456789abc",
      clientSecret: "walker-secret",
    },
    // No candidate: the saved connection is tested (a candidate's own checks are the connections tests').
    "POST /v1/tenants/{tenantId}/rescue-connection/test": {},
    "POST /v1/tenants/{tenantId}/entra-connection/test": {},
    "POST /v1/tenants/{tenantId}/mappings": { entraGroupId: "g-1", entraGroupName: "Helpdesk", rescueGroupId: 1 },
    "PATCH /v1/tenants/{tenantId}/mappings/{mappingId}": { priority: 5 },
    "PUT /v1/tenants/{tenantId}/mappings/order": {
      order: [{ id: "00000000-0000-4000-8000-000000000001", version: 1 }],
    },
    "POST /v1/tenants/{tenantId}/runs": { dryRun: true },
    "POST /v1/tenants/{tenantId}/runs/{runId}/approve": {},
    "POST /v1/tenants/{tenantId}/mappings/impact": {
      proposal: { change: "add", entraGroupId: "g-2", entraGroupName: "Escalations", rescueGroupId: 1 },
    },
    "POST /v1/tenants/{tenantId}/api-keys": { name: "ci", scopes: ["read"] },
    "PUT /v1/tenants/{tenantId}/alerts/owners": { events: ["run_failed"] },
    "POST /v1/tenants/{tenantId}/alerts/recipients": { email: `oncall-${unique}@example.test`, events: ["run_failed"] },
    "POST /v1/tenants/{tenantId}/alerts/webhooks": {
      url: "https://hooks.example.com/techsync",
      events: ["run_failed"],
    },
  };
  if (op.bodySchema && !bodies[key]) throw new Error(`no valid body known for ${key}: add one to the catalogue`);
  return bodies[key];
}

export function fillPath(op: Operation, ids: Record<string, string>): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const id = ids[name];
    if (!id) throw new Error(`no id for {${name}} in ${op.path}`);
    return id;
  });
}
