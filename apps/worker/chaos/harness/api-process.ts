// The API as it runs in production (apps/api/src/server.ts), as a child process from source, configured through its
// environment only: the chaos suite stops its Redis and its Postgres under it, and restarts it. Requests are made
// as portal users, with the short-lived tokens the portal's server signs.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { SignJWT } from "jose";
import { freePort } from "./free-port";

/** The portal's shared secret in this suite only. */
const TOKEN_SECRET = "chaos-suite-portal-token-secret-0123456789";
const OPERATOR_TOKEN = "chaos-suite-operator-token-0123456789abcdef";
const START_TIMEOUT_MS = 60_000;
/** A request that gets no answer within this is a failure, never a hang. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface ApiProcessOptions {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  masterKeys: string;
  rescueEmulatorUrl: string;
  graphEmulatorUrl: string;
  graphEmulatorCaPath: string;
  rateLimitPerMinute?: number;
  onOutput?: (chunk: string) => void;
}

export interface ApiReply {
  status: number;
  /** The JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** Milliseconds from the request to the full answer. */
  elapsedMs: number;
}

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** A request as the portal makes it for this portal user (none: an anonymous request, e.g. a health check). */
  request(method: string, path: string, options?: { userId?: string; body?: unknown }): Promise<ApiReply>;
  /** SIGTERM (a deploy) or SIGKILL; resolves once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function portalUserToken(userId: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer("techsync-portal")
    .setAudience("techsync-api")
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime("120s")
    .sign(new TextEncoder().encode(TOKEN_SECRET));
}

export async function startApiProcess(options: ApiProcessOptions): Promise<ApiProcess> {
  const port = await freePort();
  const root = path.resolve(__dirname, "../../../api");
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@techsync/source", "src/server.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: options.redisPrefix,
      API_HOST: "127.0.0.1",
      API_PORT: String(port),
      LOG_LEVEL: "info",
      API_TOKEN_SECRET: TOKEN_SECRET,
      OPERATOR_TOKEN: OPERATOR_TOKEN,
      SECRET_BOX_MASTER_KEYS: options.masterKeys,
      SECRET_BOX_ACTIVE_KEY_ID: "k1",
      RESCUE_EMULATOR_URL: options.rescueEmulatorUrl,
      GRAPH_EMULATOR_URL: options.graphEmulatorUrl,
      GRAPH_EMULATOR_CA_PATH: options.graphEmulatorCaPath,
      API_RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute ?? 100_000),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    options.onOutput?.(text);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  try {
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        clearInterval(poll);
        child.off("exit", onExit);
        if (error) reject(error);
        else resolve();
      };
      const onExit = (code: number | null) => settle(new Error(`API exited (${code}):\n${output}`));
      const timer = setTimeout(() => settle(new Error(`API did not start:\n${output}`)), START_TIMEOUT_MS);
      const poll = setInterval(() => {
        if (output.includes("Server listening at")) settle();
      }, 50);
      child.once("exit", onExit);
    });
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    throw error;
  }
  if (!options.onOutput) {
    // Keep reading so the pipe never fills, without keeping the text.
    child.stdout?.off("data", onData);
    child.stderr?.off("data", onData);
    child.stdout?.resume();
    child.stderr?.resume();
  }
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    child,
    async request(method, requestPath, requestOptions = {}) {
      const headers: Record<string, string> = { "x-request-id": randomUUID() };
      if (requestOptions.userId) headers.authorization = `Bearer ${await portalUserToken(requestOptions.userId)}`;
      if (requestOptions.body !== undefined) headers["content-type"] = "application/json";
      const started = Date.now();
      const response = await fetch(`${url}${requestPath}`, {
        method,
        headers,
        ...(requestOptions.body !== undefined ? { body: JSON.stringify(requestOptions.body) } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      return { status: response.status, body, elapsedMs: Date.now() - started };
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
