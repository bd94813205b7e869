// Shapes shared by several resources' route schemas live in the API contract; this adds the server's helpers.
export {
  AUTHENTICATED_ERRORS,
  bigintCursor,
  ZEmail,
  ZErrorReply,
  ZHttpUrl,
  ZIsoDate,
  ZLimit,
  ZName,
  ZSecret,
  ZTenantParams,
} from "@techsync/api-contract";

export function isoOrNull(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
