// What never reaches a log line, shared by every app's pino logger so the API and the worker redact alike
// (docs/security.md).

/** Paths whose values never reach a log line. */
export const REDACTED_LOG_PATHS: readonly string[] = [
  "req.headers.authorization",
  "req.headers.cookie",
  "*.password",
  "*.serviceToken",
  "*.apiToken",
  "*.clientSecret",
  "*.defaultPassword",
  "*.key",
  "*.token",
];

/** What a redacted value is replaced with. */
export const REDACTED_LOG_CENSOR = "[redacted]";

/** pino's `redact` option: a fresh copy each call, because pino keeps the array it is given. */
export function logRedaction(): { paths: string[]; censor: string } {
  return { paths: [...REDACTED_LOG_PATHS], censor: REDACTED_LOG_CENSOR };
}
