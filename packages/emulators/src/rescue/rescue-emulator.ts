// The Rescue emulator: the API methods TechSync uses over GET and POST at /API/<method>.aspx, answering in the
// plain-text format, plus an admin interface under /_emulator/rescue/ (a path no real client uses).
import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { z } from "zod";
import { FaultInjector, type FaultKind, type RescueFaultsInput } from "./faults";
import { type EmulatedNode, type MethodResult, RescueOrganisation } from "./organisation";
import { demoRescueOrganisation, type RescueOrganisationSeed, ZRescueOrganisationSeed } from "./organisation-seed";
import { formatPlainTextReply } from "./plain-text-reply";

/** Time as the emulator sees it: a source (injectable) plus an offset that tests and demos can advance. */
export class EmulatorClock {
  private offsetMs = 0;
  constructor(private readonly source: () => number = Date.now) {}
  now(): number {
    return this.source() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface RescueEmulatorOptions {
  /** The organisation to start with; default the demo organisation. */
  seed?: RescueOrganisationSeed;
  faults?: RescueFaultsInput;
  /** Time source for session expiry and the login limit; default Date.now. */
  now?: () => number;
  logger?: boolean;
}

export interface RescueEmulator {
  app: FastifyInstance;
  organisation: RescueOrganisation;
  faults: FaultInjector;
  clock: EmulatorClock;
  /** Back to the starting seed (or the last one POSTed to /_emulator/rescue/seed), no faults. */
  reset(): void;
}

// Documented aliases (docs/rescue-api.md: `nodeID`, `targetNodeID` in POST samples; `parentID`).
const ALIASES: Record<string, string> = { nodeid: "node", targetnodeid: "targetnode", parentid: "parent" };

type Params = Record<string, string>;

/** Query and form fields, names lower-cased (ASP.NET looks them up case-insensitively), aliases resolved. */
function paramsOf(query: unknown, body: unknown): Params {
  const params: Params = {};
  for (const source of [query, body]) {
    if (!source || typeof source !== "object") continue;
    for (const [rawKey, rawValue] of Object.entries(source as Record<string, unknown>)) {
      const value = Array.isArray(rawValue) ? rawValue[0] : rawValue;
      if (value === undefined || value === null) continue;
      const key = rawKey.toLowerCase();
      params[ALIASES[key] ?? key] = String(value);
    }
  }
  return params;
}

function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  return /(?:^|;\s*)ASP\.NET_SessionId=([^;]+)/i.exec(cookieHeader ?? "")?.[1];
}

/** What an unknown `.aspx` method gets: the login page, as a browser would. */
const LOGIN_PAGE =
  '<!DOCTYPE html>\n<html lang="en">\n<head><title>LogMeIn Rescue - Log in</title></head>\n<body><form action="/Login.aspx" method="post"><input name="email"><input name="password" type="password"></form></body>\n</html>\n';

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

type ManagementMethod = (caller: EmulatedNode, params: Params, org: RescueOrganisation) => MethodResult;

const MANAGEMENT_METHODS: Record<string, ManagementMethod> = {
  getaccount: (caller, _p, org) => org.getAccount(caller),
  gethierarchy: (_c, p, org) => org.getHierarchy(p),
  gethierarchy_v2: (_c, p, org) => org.getHierarchy(p),
  getuser: (_c, p, org) => org.getUser(p, false),
  getuser_v2: (_c, p, org) => org.getUser(p, false),
  getuser_v3: (_c, p, org) => org.getUser(p, true),
  createuser: (_c, p, org) => org.createUser(p),
  createusers: (caller, p, org) => org.createUsers(caller, p),
  setuser: (caller, p, org) => org.setUser(caller, p, false),
  setuser_v2: (caller, p, org) => org.setUser(caller, p, true),
  movenode: (_c, p, org) => org.moveNode(p),
  deletenode: (caller, p, org) => org.deleteNode(caller, p),
};

export function buildRescueEmulator(options: RescueEmulatorOptions = {}): RescueEmulator {
  const clock = new EmulatorClock(options.now);
  let startingSeed = options.seed ?? demoRescueOrganisation();
  const organisation = new RescueOrganisation(startingSeed, () => clock.now());
  const faults = new FaultInjector();
  if (options.faults) faults.set(options.faults);
  const app = Fastify({
    logger: options.logger ?? false,
    routerOptions: { caseSensitive: false },
    bodyLimit: 16 * 1024 * 1024,
    forceCloseConnections: true,
  });
  void app.register(formbody);

  const answer = (reply: FastifyReply, body: string, status = 200) =>
    reply.code(status).type("text/plain; charset=utf-8").send(body);

  app.route({
    method: ["GET", "POST"],
    url: "/API/:file",
    handler: async (request, reply) => {
      const { file } = request.params as { file: string };
      const method = file.replace(/\.aspx$/i, "").toLowerCase();
      const params = paramsOf(request.query, request.body);
      let sessionId = sessionIdOf(request.headers.cookie);
      await sleep(faults.current.latencyMs);
      const picked = faults.pickFault(method);
      const fault: FaultKind | undefined = picked?.kind;
      if (fault === "refuse") return answer(reply, picked?.code ?? "ERROR");
      if (fault === "http503" || fault === "http429") {
        reply.header("retry-after", String(faults.current.retryAfterSeconds));
        return answer(
          reply,
          fault === "http503" ? "Service Unavailable" : "Too Many Requests",
          fault === "http503" ? 503 : 429,
        );
      }
      if (fault === "error") return answer(reply, "ERROR");
      if (fault === "dropSession" && sessionId) {
        organisation.logout(sessionId);
        sessionId = undefined;
      }

      let body: string;
      if (method === "login") {
        const result = organisation.login(params);
        if (result.sessionId) reply.header("set-cookie", `ASP.NET_SessionId=${result.sessionId}; path=/; HttpOnly`);
        body = result.code;
      } else if (method === "logout") {
        body = organisation.logout(sessionId).code;
      } else if (method === "requestauthcode") {
        const result = organisation.requestAuthCode(params);
        body = result.authCode ? `OK AUTHCODE: ${result.authCode}` : result.code;
      } else {
        const handle = MANAGEMENT_METHODS[method];
        // Third-party notes: Rescue answers a method it does not know with its HTML login page, not a 404.
        if (!handle) return reply.code(200).type("text/html; charset=utf-8").send(LOGIN_PAGE);
        const auth = organisation.authenticate(params, sessionId, faults.current.dropSessionsAfterCalls);
        body = "code" in auth ? auth.code : formatPlainTextReply(handle(auth.caller, params, organisation));
      }
      if (fault === "lostReply") return answer(reply, "ERROR");
      if (fault === "slow") await sleep(faults.current.slowResponseMs);
      return answer(reply, body);
    },
  });

  const reset = () => {
    organisation.load(startingSeed);
    faults.reset();
  };
  const outcome = (reply: FastifyReply, code: string) => reply.code(code === "OK" ? 200 : 409).send({ result: code });

  // Admin interface for tests and demos.
  app.get("/_emulator/rescue/state", async () => organisation.snapshot());
  app.post("/_emulator/rescue/seed", async (request, reply) => {
    const parsed = ZRescueOrganisationSeed.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    startingSeed = request.body as RescueOrganisationSeed;
    organisation.load(startingSeed);
    return { result: "OK" };
  });
  app.post("/_emulator/rescue/reset", async () => {
    reset();
    return { result: "OK" };
  });
  app.get("/_emulator/rescue/faults", async () => faults.current);
  app.post("/_emulator/rescue/faults", async (request, reply) => {
    try {
      return faults.set((request.body ?? {}) as RescueFaultsInput);
    } catch (error) {
      return reply.code(400).send({ error: error instanceof z.ZodError ? z.prettifyError(error) : String(error) });
    }
  });
  const ZNodeParams = z.object({ id: z.coerce.number().int().positive() });
  app.post("/_emulator/rescue/nodes/:id/move", async (request, reply) => {
    const { id } = ZNodeParams.parse(request.params);
    const body = z.object({ targetNodeId: z.number().int().positive() }).safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: z.prettifyError(body.error) });
    return outcome(reply, organisation.moveByHand(id, body.data.targetNodeId));
  });
  app.post("/_emulator/rescue/nodes/:id/disable", async (request, reply) =>
    outcome(reply, organisation.setEnabledByHand(ZNodeParams.parse(request.params).id, false)),
  );
  app.post("/_emulator/rescue/nodes/:id/enable", async (request, reply) =>
    outcome(reply, organisation.setEnabledByHand(ZNodeParams.parse(request.params).id, true)),
  );
  app.post("/_emulator/rescue/clock/advance", async (request, reply) => {
    const body = z.object({ ms: z.number().nonnegative() }).safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: z.prettifyError(body.error) });
    clock.advance(body.data.ms);
    return { now: new Date(clock.now()).toISOString() };
  });

  return { app, organisation, faults, clock, reset };
}

export interface StartedRescueEmulator extends RescueEmulator {
  /** Base URL to give the client, e.g. http://127.0.0.1:4010 */
  url: string;
  close(): Promise<void>;
}

export async function startRescueEmulator(
  options: RescueEmulatorOptions & { port?: number; host?: string } = {},
): Promise<StartedRescueEmulator> {
  const emulator = buildRescueEmulator(options);
  const host = options.host ?? "127.0.0.1";
  await emulator.app.listen({ port: options.port ?? 0, host });
  const address = emulator.app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return { ...emulator, url: `http://${urlHost}:${port}`, close: () => emulator.app.close() };
}
