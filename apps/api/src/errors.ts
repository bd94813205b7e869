// The API's typed errors: routes and use cases throw an AppError with a code; the one
// error handler in app.ts maps the code to a status and adds the request id. 500s say nothing.
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  not_connected: 409,
  /** rule 15: the Rescue organisation is connected to another tenant. */
  organisation_taken: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  upstream_error: 502,
  upstream_unavailable: 503,
  /** Redis, which holds the job queue, does not answer (job-queue.ts). */
  queue_unavailable: 503,
  internal_error: 500,
} as const;
export type AppErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: unknown[],
    /** More fields of the reply body, which the route's error schema declares (e.g. a move offer). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
  }
}

/** Another tenant's resource and a missing one answer alike (docs/security.md). */
export function notFound(what: string): AppError {
  return new AppError("not_found", `${what} was not found.`);
}

/** A field the schema accepted but the domain refuses, named like the schema's own messages. */
export function invalidField(field: string, message: string): AppError {
  return new AppError("validation_failed", `${field}: ${message}`, [{ field, message }]);
}

export interface ErrorReply {
  status: number;
  body: { error: string; message: string; details?: unknown[]; [field: string]: unknown };
}

const VALIDATION_PART: Record<string, string> = {
  body: "body",
  querystring: "query",
  params: "params",
  headers: "headers",
};

/** Fastify's own client errors, in our words. */
const FASTIFY_CLIENT_ERRORS: Record<string, { code: AppErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: "payload_too_large", message: "body: is larger than this API accepts." },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: "unsupported_media_type",
    message: "Content-Type: send the body as application/json.",
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: "validation_failed",
    message: "body: must not be empty when Content-Type is application/json.",
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: "validation_failed", message: "body: is not valid JSON." },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: "bad_request", message: "Content-Length: does not match the body." },
};

/**
 * What ioredis and BullMQ throw while Redis is down, unreachable, hung or refusing commands (out of memory,
 * loading, read-only): BullMQ tells connection errors apart by the same messages.
 */
const REDIS_UNAVAILABLE_NAMES = new Set(["MaxRetriesPerRequestError", "ConnectionClosedError", "ReplyError"]);
const REDIS_UNAVAILABLE_MESSAGES = [
  "Stream isn't writeable",
  "Connection is closed",
  "Command timed out",
  "ECONNREFUSED",
  "ECONNRESET",
];

export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (REDIS_UNAVAILABLE_NAMES.has(error.name) || (error as { code?: string }).code === "ECONNREFUSED") return true;
  return REDIS_UNAVAILABLE_MESSAGES.some((text) => error.message.includes(text));
}

interface ValidationIssue {
  instancePath: string;
  message?: string;
}

/** The one mapping from anything thrown to a status and a reply body. */
export function errorReplyOf(error: unknown): ErrorReply {
  if (error instanceof AppError) {
    return {
      status: error.status,
      body: {
        ...error.extra,
        error: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      },
    };
  }
  const e = error as {
    code?: string;
    statusCode?: number;
    message?: string;
    name?: string;
    validation?: ValidationIssue[];
    validationContext?: string;
  };
  if (Array.isArray(e.validation)) {
    const part = VALIDATION_PART[e.validationContext ?? "body"] ?? "body";
    const details = e.validation.map((issue) => {
      const path = issue.instancePath.split("/").filter(Boolean).join(".");
      return { field: path ? `${part}.${path}` : part, message: issue.message ?? "is not valid" };
    });
    return {
      status: 400,
      body: {
        error: "validation_failed",
        message: details.map((d) => `${d.field}: ${d.message}`).join("; "),
        details,
      },
    };
  }
  const known = e.code ? FASTIFY_CLIENT_ERRORS[e.code] : undefined;
  if (known) return { status: ERROR_STATUS[known.code], body: { error: known.code, message: known.message } };
  if (e.name === "SyntaxError" && e.statusCode === 400) {
    return { status: 400, body: { error: "validation_failed", message: "body: is not valid JSON." } };
  }
  // A queue call no route bounded itself: an outage is a 503, never a 500.
  if (isRedisUnavailable(error)) {
    return {
      status: 503,
      body: { error: "queue_unavailable", message: "The job queue is unavailable; try again shortly." },
    };
  }
  if (e.statusCode === 429) {
    return { status: 429, body: { error: "rate_limited", message: e.message ?? "Too many requests; slow down." } };
  }
  // Unique and foreign-key violations that raced past a use case's own checks.
  if (e.name === "PrismaClientKnownRequestError") {
    if (e.code === "P2002") return { status: 409, body: { error: "conflict", message: "It already exists." } };
    if (e.code === "P2025" || e.code === "P2003") {
      return { status: 404, body: { error: "not_found", message: "It was not found." } };
    }
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { error: "bad_request", message: e.message ?? "Bad request." } };
  }
  return { status: 500, body: { error: "internal_error", message: "Something went wrong on our side." } };
}
