// The Rescue emulator: the API methods TechSync uses over GET and POST at /API/<method>.aspx, answering in the
// plain-text format, plus an admin interface under /_emulator/rescue/ (a path no real client uses).
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { z } from "zod";
import {
  CREATE_USERS_UNKNOWN_CODE,
  DENIED_ENDPOINT_CODE,
  LOGIN_PAGE_HTML,
  type RescueBehaviour,
  type RescueBehaviourInput,
  ZRescueBehaviour,
} from "./behaviour";
import { FaultInjector, type FaultKind, type RescueFaultsInput } from "./faults";
import {
  type EmulatedNode,
  LICENCE_LIMIT,
  type MethodResult,
  MOBILE_LICENCE_LIMIT,
  RescueOrganisation,
} from "./organisation";
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
  /** Answers where Rescue's documentation is silent; default the strictest plausible (createUsers refused). */
  behaviour?: RescueBehaviourInput;
  /** Time source for session expiry and the login limit; default Date.now. */
  now?: () => number;
  logger?: boolean;
}

export interface RescueEmulator {
  app: FastifyInstance;
  organisation: RescueOrganisation;
  faults: FaultInjector;
  clock: EmulatorClock;
  /** The current behaviour; replace it with setBehaviour (or POST /_emulator/rescue/behaviour). */
  behaviour(): RescueBehaviour;
  setBehaviour(input: RescueBehaviourInput): RescueBehaviour;
  /** Back to the starting seed (or the last one POSTed to /_emulator/rescue/seed), no faults, starting behaviour. */
  reset(): void;
}

// Documented aliases (docs/rescue-api.md: `nodeID`, `targetNodeID` in POST samples; `parentID`).
const ALIASES: Record<string, string> = { nodeid: "node", targetnodeid: "targetnode", parentid: "parent" };

type Params = Record<string, string>;

/** Query and form fields, names lower-cased (ASP.NET looks them up case-insensitively), aliases resolved. */
function paramsOf(...sources: URLSearchParams[]): Params {
  const params: Params = {};
  for (const source of sources) {
    for (const [rawKey, value] of source) {
      const key = rawKey.toLowerCase();
      const name = ALIASES[key] ?? key;
      if (!(name in params)) params[name] = value;
    }
  }
  return params;
}

/** The raw form body, kept as text so the ASP.NET limits can be checked on what was sent. */
interface RawForm {
  rawForm: string;
}

/** Distinct keys, as ASP.NET's name-value collections count them. */
function keyCount(values: URLSearchParams): number {
  return new Set(values.keys()).size;
}

/**
 * Stock ASP.NET request limits: an over-long query string is HTTP 400; more keys than aspnet:MaxHttpCollectionKeys
 * in the form or the query string ("The URL-encoded form data is not valid") and a body over maxRequestLength
 * ("Maximum request length exceeded") are unhandled exceptions, HTTP 500.
 */
function requestLimitBreach(
  limits: RescueBehaviour["requestLimits"],
  raw: { query: string; form: string },
  parsed: { query: URLSearchParams; form: URLSearchParams },
): { status: number; body: string } | undefined {
  if (raw.query.length > limits.maxQueryStringLength) {
    return {
      status: 400,
      body: "Bad Request: the length of the query string for this request exceeds the configured maxQueryStringLength value.",
    };
  }
  if (Buffer.byteLength(raw.form) > limits.maxRequestBytes) {
    return { status: 500, body: "Server Error: Maximum request length exceeded." };
  }
  if (keyCount(parsed.query) > limits.maxCollectionKeys || keyCount(parsed.form) > limits.maxCollectionKeys) {
    return {
      status: 500,
      body: "Server Error: The URL-encoded form data is not valid. (Operation is not valid due to the current state of the object.)",
    };
  }
  return undefined;
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
  const startingBehaviour = ZRescueBehaviour.parse(options.behaviour ?? {});
  let behaviour = startingBehaviour;
  const app = Fastify({
    logger: options.logger ?? false,
    routerOptions: { caseSensitive: false },
    bodyLimit: 16 * 1024 * 1024,
    forceCloseConnections: true,
  });
  // Form bodies stay raw text here: the handler checks the ASP.NET limits before reading them.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) =>
    done(null, { rawForm: String(body) } satisfies RawForm),
  );

  const answer = (reply: FastifyReply, body: string, status = 200) =>
    reply.code(status).type("text/plain; charset=utf-8").send(body);

  app.route({
    method: ["GET", "POST"],
    url: "/API/:file",
    handler: async (request, reply) => {
      const { file } = request.params as { file: string };
      const method = file.replace(/\.aspx$/i, "").toLowerCase();
      const rawQuery = request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : "";
      const rawForm = (request.body as RawForm | undefined)?.rawForm ?? "";
      const query = new URLSearchParams(rawQuery);
      const form = new URLSearchParams(rawForm);
      const breach = requestLimitBreach(behaviour.requestLimits, { query: rawQuery, form: rawForm }, { query, form });
      if (breach) return answer(reply, breach.body, breach.status);
      const params = paramsOf(query, form);
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

      const denied =
        (method === "login" && organisation.apiSettings.denyLoginEndpoint) ||
        (method === "requestauthcode" && organisation.apiSettings.denyRequestAuthCode);
      if (denied) {
        if (behaviour.deniedEndpoint === "http403") return answer(reply, "Forbidden", 403);
        return answer(reply, behaviour.deniedEndpoint === "error" ? "ERROR" : DENIED_ENDPOINT_CODE);
      }
      if (method === "createusers" && behaviour.createUsers !== "enabled") {
        switch (behaviour.createUsers) {
          case "http500":
            return answer(reply, "Server Error in '/API' Application.", 500);
          case "notFound":
            return answer(reply, "Not Found", 404);
          case "htmlPage":
            return reply.code(200).type("text/html; charset=utf-8").send(LOGIN_PAGE_HTML);
          case "unknownCode":
            return answer(reply, CREATE_USERS_UNKNOWN_CODE);
          default:
            return answer(reply, "ERROR");
        }
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
        body =
          "code" in auth
            ? auth.code
            : formatPlainTextReply(withLicenceRefusal(handle(auth.caller, params, organisation)));
      }
      if (fault === "lostReply") return answer(reply, "ERROR");
      if (fault === "slow") await sleep(faults.current.slowResponseMs);
      return answer(reply, body);
    },
  });

  /** The organisation's licence refusal is an internal marker; the wire answer is the behaviour's choice. */
  const withLicenceRefusal = (result: MethodResult): MethodResult => {
    if ("blocks" in result) {
      return {
        ...result,
        blocks: result.blocks.map((block) =>
          block.map(([k, v]) => [k, v === LICENCE_LIMIT || v === MOBILE_LICENCE_LIMIT ? behaviour.licenceRefusal : v]),
        ),
      };
    }
    if (result.code === LICENCE_LIMIT || result.code === MOBILE_LICENCE_LIMIT)
      return { code: behaviour.licenceRefusal };
    return result;
  };
  const setBehaviour = (input: RescueBehaviourInput) => {
    behaviour = ZRescueBehaviour.parse(input);
    return behaviour;
  };
  const reset = () => {
    organisation.load(startingSeed);
    faults.reset();
    behaviour = startingBehaviour;
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
  app.get("/_emulator/rescue/behaviour", async () => behaviour);
  app.post("/_emulator/rescue/behaviour", async (request, reply) => {
    const parsed = ZRescueBehaviour.safeParse(request.body ?? {});
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    behaviour = parsed.data;
    return behaviour;
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

  return { app, organisation, faults, clock, behaviour: () => behaviour, setBehaviour, reset };
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
