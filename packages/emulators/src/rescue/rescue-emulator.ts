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
import {
  demoRescueOrganisation,
  type RescueOrganisationSeed,
  sandboxRescueOrganisation,
  sandboxSuffixOf,
  ZRescueOrganisationSeed,
} from "./organisation-seed";
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
  /**
   * The sandbox configuration: an API token of the documented sandbox form (SANDBOX_TOKEN_PREFIX + 32 hex) opens,
   * on first use, a fresh copy of the demo organisation of its own (rule 15: one tenant per organisation). Off by
   * default: every other token is refused exactly as Rescue would.
   */
  sandboxOrganisations?: boolean;
}

export interface RescueEmulator {
  app: FastifyInstance;
  /** The organisation it started with (the admin interface's default). */
  organisation: RescueOrganisation;
  /** Every organisation it hosts, by AccountID: the first, then the sandbox copies opened since. */
  organisations(): ReadonlyMap<number, RescueOrganisation>;
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
  const organisations = new Map<number, RescueOrganisation>([[organisation.account.id, organisation]]);
  const dropCopies = () => {
    organisations.clear();
    organisations.set(organisation.account.id, organisation);
  };
  /** A fresh copy of the demo organisation for a sandbox token; its AccountID moves on past one already taken. */
  const openSandboxOrganisation = (suffix: string) => {
    const seed = sandboxRescueOrganisation(suffix);
    let id = seed.account?.id ?? 0;
    while (organisations.has(id)) id += 1;
    const copy = new RescueOrganisation({ ...seed, account: { ...seed.account, id } }, () => clock.now());
    organisations.set(id, copy);
    return copy;
  };
  /**
   * Whose call this is. Rescue is one service for every organisation: an authcode or a session belongs to one, a
   * login names an administrator's email. What matches none goes to the first organisation, which refuses it.
   */
  const organisationOf = (method: string, params: Params, sessionId: string | undefined): RescueOrganisation => {
    const all = [...organisations.values()];
    if (method === "login" || method === "requestauthcode") {
      return all.find((org) => org.hasAdministrator(params.email)) ?? organisation;
    }
    if (params.authcode) {
      const holder = all.find((org) => org.knowsAuthCode(params.authcode!));
      if (holder) return holder;
      const suffix = options.sandboxOrganisations ? sandboxSuffixOf(params.authcode) : undefined;
      return suffix ? openSandboxOrganisation(suffix) : organisation;
    }
    return (sessionId ? all.find((org) => org.hasSession(sessionId)) : undefined) ?? organisation;
  };
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
      const organisation = organisationOf(method, params, sessionId);
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
    dropCopies();
    faults.reset();
    behaviour = startingBehaviour;
  };
  const outcome = (reply: FastifyReply, code: string) => reply.code(code === "OK" ? 200 : 409).send({ result: code });

  // Admin interface for tests and demos. `?account=<AccountID>` picks a sandbox copy; absent, the first organisation.
  const ZAccountQuery = z.object({ account: z.coerce.number().int().positive().optional() });
  const organisationAt = (request: { query: unknown }) => {
    const { account } = ZAccountQuery.parse(request.query ?? {});
    return account === undefined ? organisation : organisations.get(account);
  };
  const unknownAccount = (reply: FastifyReply) =>
    reply.code(404).send({ error: "no organisation with this AccountID is hosted here" });
  app.get("/_emulator/rescue/organisations", async () =>
    [...organisations.values()].map((org) => ({ ...org.account, masterAccountHolderId: org.masterAccountHolderId })),
  );
  app.get("/_emulator/rescue/state", async (request, reply) => {
    const org = organisationAt(request);
    return org ? org.snapshot() : unknownAccount(reply);
  });
  app.post("/_emulator/rescue/seed", async (request, reply) => {
    const parsed = ZRescueOrganisationSeed.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    startingSeed = request.body as RescueOrganisationSeed;
    organisation.load(startingSeed);
    dropCopies();
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
    const org = organisationAt(request);
    return org ? outcome(reply, org.moveByHand(id, body.data.targetNodeId)) : unknownAccount(reply);
  });
  for (const [path, enabled] of [
    ["disable", false],
    ["enable", true],
  ] as const) {
    app.post(`/_emulator/rescue/nodes/:id/${path}`, async (request, reply) => {
      const org = organisationAt(request);
      if (!org) return unknownAccount(reply);
      return outcome(reply, org.setEnabledByHand(ZNodeParams.parse(request.params).id, enabled));
    });
  }
  app.post("/_emulator/rescue/clock/advance", async (request, reply) => {
    const body = z.object({ ms: z.number().nonnegative() }).safeParse(request.body);
    if (!body.success) return reply.code(400).send({ error: z.prettifyError(body.error) });
    clock.advance(body.data.ms);
    return { now: new Date(clock.now()).toISOString() };
  });

  return {
    app,
    organisation,
    organisations: () => organisations,
    faults,
    clock,
    behaviour: () => behaviour,
    setBehaviour,
    reset,
  };
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
