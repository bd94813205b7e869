// Graph's wire shapes: the error body, projections ($select), and opaque paging tokens.
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { EmulatedDirectoryObject, EmulatedGroup, EmulatedUser } from "./emulated-tenant";

export const USER_DEFAULT_FIELDS = [
  "id",
  "displayName",
  "givenName",
  "surname",
  "mail",
  "userPrincipalName",
  "jobTitle",
  "mobilePhone",
  "businessPhones",
  "officeLocation",
  "preferredLanguage",
] as const;
const USER_FIELDS = [
  ...USER_DEFAULT_FIELDS,
  "accountEnabled",
  "department",
  "companyName",
  "employeeId",
  "deletedDateTime",
  "onPremisesSamAccountName",
  "userType",
  "otherMails",
];
export const GROUP_DEFAULT_FIELDS = [
  "id",
  "displayName",
  "description",
  "mail",
  "mailEnabled",
  "securityEnabled",
  "groupTypes",
] as const;

export type GraphQuery = Record<string, string | undefined>;

export function graphError(reply: FastifyReply, status: number, code: string, message: string) {
  const requestId = (reply.getHeader("request-id") as string | undefined) ?? randomUUID();
  return reply.code(status).send({
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d+Z$/, ""),
        "request-id": requestId,
        "client-request-id": requestId,
      },
    },
  });
}

/** `$select` is case-insensitive in Graph; unknown names are dropped here rather than failing. */
export function parseSelect(query: GraphQuery): string[] | undefined {
  const raw = query.$select;
  if (!raw) return undefined;
  return raw
    .split(",")
    .map((field) => field.trim())
    .filter(Boolean);
}

function project(source: Record<string, unknown>, fields: readonly string[], known: readonly string[]) {
  const out: Record<string, unknown> = { id: source.id };
  for (const field of fields) {
    const canonical = known.find((name) => name.toLowerCase() === field.toLowerCase());
    if (canonical) out[canonical] = source[canonical] ?? null;
  }
  return out;
}

export function projectUser(user: EmulatedUser, select: string[] | undefined): Record<string, unknown> {
  const source: Record<string, unknown> = { ...user, businessPhones: [], mobilePhone: null, preferredLanguage: null };
  return project(source, select ?? USER_DEFAULT_FIELDS, USER_FIELDS);
}

/**
 * The properties each other member type has (the ones emulated). A `$select` meant for users keeps, on these,
 * only `id` and the selected properties the type has: a device answers `displayName` and `accountEnabled`,
 * never `mail`; a contact answers `mail` but never `accountEnabled` or `userPrincipalName`.
 */
const DIRECTORY_OBJECT_FIELDS: Record<EmulatedDirectoryObject["kind"], readonly string[]> = {
  orgContact: [
    "id",
    "displayName",
    "mail",
    "givenName",
    "surname",
    "companyName",
    "department",
    "jobTitle",
    "mailNickname",
  ],
  device: ["id", "displayName", "accountEnabled", "deviceId", "operatingSystem", "operatingSystemVersion", "trustType"],
  servicePrincipal: ["id", "displayName", "accountEnabled", "appId", "servicePrincipalType"],
};

/** A contact, device or service principal as a member list shows it, with its `@odata.type`. */
export function projectDirectoryObject(
  object: EmulatedDirectoryObject,
  select: string[] | undefined,
): Record<string, unknown> {
  const fields = DIRECTORY_OBJECT_FIELDS[object.kind];
  return {
    "@odata.type": `#microsoft.graph.${object.kind}`,
    ...project(object as unknown as Record<string, unknown>, select ?? fields, fields),
  };
}

export function projectGroup(group: EmulatedGroup, select: string[] | undefined): Record<string, unknown> {
  return project(group as unknown as Record<string, unknown>, select ?? GROUP_DEFAULT_FIELDS, GROUP_DEFAULT_FIELDS);
}

export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeToken<T>(token: string): T | undefined {
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as T;
  } catch {
    return undefined;
  }
}

/** The request's own URL with some query parameters replaced: how nextLinks and deltaLinks are built. */
export function linkFor(request: FastifyRequest, replace: Record<string, string | undefined>): string {
  const url = new URL(request.url, `https://${request.headers.host ?? "127.0.0.1"}`);
  for (const [key, value] of Object.entries(replace)) {
    if (value === undefined) url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  return url.toString();
}

export function isEventual(request: FastifyRequest): boolean {
  return String(request.headers.consistencylevel ?? "").toLowerCase() === "eventual";
}
