// One place that turns an API answer into words a person can act on: every message passes through field-labels.ts,
// so no field path, operation name or HTTP code reaches a person, and a problem with a connection carries its fix.
import { type FixLink, fixOf, inWords } from "./field-labels";

export interface ApiErrorBody {
  error?: string;
  message?: string;
  requestId?: string;
  details?: unknown[];
  /** rule 15: the Rescue organisation is another tenant's that the caller owns too, and may move here. */
  move?: { fromTenantId?: unknown; fromTenantName?: unknown };
}

/** An offer to move a Rescue organisation from another tenant of the caller's (a 409 `organisation_taken`). */
export interface MoveOffer {
  fromTenantId: string;
  fromTenantName: string;
}

/** An API call that did not succeed; `message` is always fit to show; `fieldErrors` names form fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: Record<string, string> = {},
    readonly requestId?: string,
    readonly move?: MoveOffer,
    /** The setup step where the problem is fixed, when there is one. */
    readonly fix?: FixLink,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const fallbackByStatus: Record<number, string> = {
  400: "Some of the values are not valid.",
  401: "Your session has ended. Please sign in again.",
  403: "Your role in this organisation does not allow this.",
  404: "This was not found. It may have been removed.",
  409: "This conflicts with something that already exists.",
  413: "What you sent is too large.",
  429: "Too many attempts. Please wait a minute and try again.",
};

/** Field name → message, from `details` entries shaped like zod issues ({ path, message }) or { field, message }. */
export function fieldErrorsFromDetails(details: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!Array.isArray(details)) return result;
  for (const detail of details) {
    if (!detail || typeof detail !== "object") continue;
    const { path, field, message } = detail as { path?: unknown; field?: unknown; message?: unknown };
    const raw = typeof field === "string" ? field : Array.isArray(path) ? path.filter(Boolean).join(".") : path;
    // The API names where a field sits ("body.email"); forms know it as "email".
    const name = typeof raw === "string" ? raw.replace(/^(body|query|params)\./, "") : raw;
    if (typeof name === "string" && name && typeof message === "string" && !(name in result)) {
      result[name] = fieldMessageInWords(message);
    }
  }
  return result;
}

export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  let body: ApiErrorBody = {};
  try {
    body = (await response.json()) as ApiErrorBody;
  } catch {
    // not JSON (a proxy's error page): fall back to the status
  }
  const status = response.status;
  // An outage the API names (the job queue, a connected service) is told in its words; any other 5xx is generic.
  // A connected service's refusal (502) is told in its words too: it says what to fix.
  const namedOutage =
    (status === 503 && (body.error === "queue_unavailable" || body.error === "upstream_unavailable")) ||
    (status === 502 && body.error === "upstream_error");
  const serverFault = status >= 500 && !(namedOutage && body.message);
  const message = serverFault
    ? `Something went wrong in TechSync. Please try again${body.requestId ? `; if it keeps happening, quote reference ${body.requestId}` : ""}.`
    : (body.message ? inWords(body.message) : "") || fallbackByStatus[status] || "The request was refused.";
  return new ApiError(
    status,
    body.error ?? `http_${status}`,
    message,
    fieldErrorsFromDetails(body.details),
    body.requestId,
    moveOfferOf(body),
    serverFault ? undefined : fixOf(message),
  );
}

/** A field's own message, shown under its label (so the field need not be named again): "Required when …". */
function fieldMessageInWords(message: string): string {
  const words = inWords(message);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function moveOfferOf(body: ApiErrorBody): MoveOffer | undefined {
  const { fromTenantId, fromTenantName } = body.move ?? {};
  return typeof fromTenantId === "string" && typeof fromTenantName === "string"
    ? { fromTenantId, fromTenantName }
    : undefined;
}

export function unreachableApiError(): ApiError {
  return new ApiError(
    503,
    "unreachable",
    "The TechSync service cannot be reached right now. Please try again shortly.",
  );
}
