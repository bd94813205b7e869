// Is this error "Postgres cannot be reached right now" (worth waiting for) rather than a bad query?
// Prisma's connection codes, the pg driver's socket errors and PostgreSQL's shutdown / connection-failure states.

const PRISMA_CONNECTION_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND"]);
/** SQLSTATE classes 08 (connection exception) and 57P0x (operator intervention: shutdown, cannot connect now). */
const SQLSTATE = /^(08|57P0[1-3])/;
const MESSAGES = [
  /connection terminated/i,
  /connection (?:refused|reset|closed|ended)/i,
  /server closed the connection/i,
  /can't reach database server/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (typeof current !== "object") break;
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (
      typeof code === "string" &&
      (PRISMA_CONNECTION_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATE.test(code))
    )
      return true;
    if (typeof message === "string" && MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = cause;
  }
  return false;
}
