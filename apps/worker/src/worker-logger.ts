// The worker's pino logger: the same secret redaction as the API's, so a credential that ends up in a log
// call (a tenant's settings, an error carrying a request) is censored before it is written.
import { logRedaction } from "@techsync/config";
import pino, { type DestinationStream, type Logger } from "pino";

export interface WorkerLoggerOptions {
  level: string;
  /** Where log lines go (default stdout); tests capture them to prove a secret is never logged. */
  stream?: DestinationStream;
}

export function createWorkerLogger(options: WorkerLoggerOptions): Logger {
  const settings = { level: options.level, base: { app: "worker", pid: process.pid }, redact: logRedaction() };
  return options.stream ? pino(settings, options.stream) : pino(settings);
}
