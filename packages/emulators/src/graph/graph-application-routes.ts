// GET /v1.0/applications: the tenant's app registrations with their client secrets' metadata (passwordCredentials),
// so a client can read when its own secret expires. As in Graph, reading applications needs Application.Read.All
// (or a wider permission: Application.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All); a secret's value
// is never returned, only its `hint` (the first three characters).
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { EmulatedApp } from "./emulated-tenant";
import { callerOf, requireRole } from "./graph-caller";
import { type GraphQuery, graphError, parseSelect } from "./graph-responses";

export const READ_APPLICATIONS = [
  "Application.Read.All",
  "Application.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];

const APPLICATION_FIELDS = ["id", "appId", "displayName", "signInAudience", "createdDateTime", "passwordCredentials"];
/** Where the demo and generated secrets say nothing of when they were added. */
const DEFAULT_SECRET_START = "2026-01-01T00:00:00Z";

/** The application object's id: stable per client id and distinct from it, as in Entra. */
function objectIdOf(clientId: string): string {
  const hex = createHash("sha256").update(`application:${clientId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function renderApplication(app: EmulatedApp): Record<string, unknown> {
  return {
    id: objectIdOf(app.clientId),
    appId: app.clientId,
    displayName: app.displayName,
    signInAudience: "AzureADMyOrg",
    createdDateTime: DEFAULT_SECRET_START,
    passwordCredentials: app.secrets.map((secret) => ({
      customKeyIdentifier: null,
      displayName: secret.displayName ?? null,
      endDateTime: new Date(secret.expiresAt).toISOString().replace(".000Z", "Z"),
      hint: secret.value.slice(0, 3),
      keyId: secret.id,
      secretText: null,
      startDateTime: secret.startDateTime ?? DEFAULT_SECRET_START,
    })),
  };
}

type ApplicationPredicate = (app: EmulatedApp) => boolean;

/** The `$filter` forms Graph accepts on applications that TechSync may send: `appId eq '…'`, `displayName eq '…'`. */
function parseApplicationFilter(filter: string): ApplicationPredicate | "unsupported" | "invalid" {
  const clause = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
  if (!clause) return "invalid";
  const property = clause[1]?.toLowerCase();
  const value = (clause[2] ?? "").replace(/''/g, "'");
  if (property === "appid") return (app) => app.clientId.toLowerCase() === value.toLowerCase();
  if (property === "displayname") return (app) => app.displayName === value;
  return "unsupported";
}

export function registerApplicationRoutes(graph: FastifyInstance) {
  graph.get("/applications", async (request, reply) => {
    if (!requireRole(request, reply, READ_APPLICATIONS)) return reply;
    const query = request.query as GraphQuery;
    let apps = [...callerOf(request).tenant.apps.values()];
    if (query.$filter !== undefined) {
      const predicate = parseApplicationFilter(query.$filter);
      if (predicate === "invalid") return graphError(reply, 400, "BadRequest", "Invalid filter clause");
      if (predicate === "unsupported") {
        return graphError(
          reply,
          400,
          "Request_UnsupportedQuery",
          "Unsupported or invalid query filter clause specified for property of resource 'Application'.",
        );
      }
      apps = apps.filter(predicate);
    }
    const select = parseSelect(query);
    const unknown = select?.find(
      (field) => !APPLICATION_FIELDS.some((name) => name.toLowerCase() === field.toLowerCase()),
    );
    if (unknown) {
      return graphError(
        reply,
        400,
        "BadRequest",
        `Could not find a property named '${unknown}' on type 'microsoft.graph.application'.`,
      );
    }
    const fields = select
      ? APPLICATION_FIELDS.filter((name) => select.some((f) => f.toLowerCase() === name.toLowerCase()))
      : APPLICATION_FIELDS;
    const context = select ? `applications(${select.join(",")})` : "applications";
    return reply.send({
      "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#${context}`,
      value: apps.map((app) => {
        const full = renderApplication(app);
        // Graph always returns the id, selected or not.
        return Object.fromEntries(["id", ...fields.filter((name) => name !== "id")].map((name) => [name, full[name]]));
      }),
    });
  });
}
