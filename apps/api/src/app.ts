// The API as a Fastify plugin tree: server.ts boots it, tests inject() into it.
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { logRedaction } from "@techsync/config";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Redis } from "ioredis";
import type { DestinationStream } from "pino";
import type { ApiDeps } from "./api-deps";
import { RateLimitedError } from "./auth/auth-limits";
import { withoutInvitationToken } from "./auth/invitation-token";
import { errorReplyOf } from "./errors";
import { fallbackRateLimitStore } from "./rate-limit-store";
import { healthRoutes, type ReadinessChecks } from "./routes/health";
import { metricsRoute } from "./routes/operations/metrics";
import { QUEUE_BOARD_PATH, queueBoard } from "./routes/operations/queue-board";
import { v1Routes } from "./routes/v1-routes";

export interface AppDeps extends ApiDeps {
  readiness: ReadinessChecks;
  /**
   * Shared rate-limit counters across API instances; without it, and while it does not answer, each process
   * counts on its own (rate-limit-store.ts).
   */
  rateLimitRedis?: Redis;
  /** Key prefix of those counters in Redis, under the deployment's REDIS_PREFIX (api-redis.ts). */
  rateLimitNameSpace?: string;
}

export interface AppOptions {
  logLevel?: string;
  /** Where log lines go (default stdout); tests capture them to prove no secret is ever logged. */
  logStream?: DestinationStream;
  /** The portal's origin, the only one CORS lets in. */
  portalOrigin: string;
  operatorToken: string;
  /** Bull Board lets operators change jobs only when this is true; read-only otherwise. */
  queueBoardWritable?: boolean;
  /** Requests per minute per API key, per portal user, else per client address (rateLimitKey). */
  rateLimitPerMinute?: number;
  bodyLimitBytes?: number;
}

/** Configuration bodies are small; 64 KiB leaves room for long mapping filters and nothing else. */
const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * Whose budget a request spends: the API key's, the signed-in portal user's, else the client's address (the
 * browser's when the portal vouched for it in its signed token, the socket's otherwise).
 */
export function rateLimitKey(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind === "api_key") return `key:${principal.keyId}`;
  if (principal?.kind === "portal_user") return `user:${principal.userId}`;
  return `ip:${request.clientAddress || request.ip}`;
}

export async function buildApp(deps: AppDeps, options: AppOptions): Promise<FastifyInstance> {
  const redact = logRedaction();
  const level = options.logLevel ?? "info";
  // Invitation links carry their token in the path: log lines show the path without it.
  const serializers = {
    req: (request: FastifyRequest) => ({
      method: request.method,
      url: withoutInvitationToken(request.url),
      host: request.host,
      remoteAddress: request.ip,
    }),
  };
  const app = Fastify({
    logger: options.logStream
      ? { level, redact, serializers, stream: options.logStream }
      : { level, redact, serializers },
    genReqId: () => crypto.randomUUID(),
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Typed errors mapped in one place; 500s say nothing beyond the request id.
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorReplyOf(error);
    if (status >= 500) request.log.error({ err: error }, "unhandled error");
    if (error instanceof RateLimitedError) void reply.header("retry-after", String(error.retryAfterSeconds));
    deps.metrics.errors.inc({ code: body.error });
    return reply.status(status).send({ ...body, requestId: request.id });
  });
  app.setNotFoundHandler((request, reply) => {
    deps.metrics.errors.inc({ code: "not_found" });
    return reply
      .status(404)
      .send({ error: "not_found", message: `${request.method} ${request.url} is not a route.`, requestId: request.id });
  });
  app.addHook("onResponse", async (request, reply) => {
    deps.metrics.requestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? "unmatched", status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(helmet, {
    // The docs UI loads its own scripts and styles; everything else is JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "validator.swagger.io"],
      },
    },
  });
  await app.register(cors, { origin: [options.portalOrigin], credentials: false });
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? 600,
    timeWindow: "1 minute",
    // In Redis while it answers, in this process otherwise: an outage neither fails nor slows a request.
    store: fallbackRateLimitStore(deps.rateLimitRedis, deps.rateLimitNameSpace ?? "techsync-api-rate:"),
    // Counted once the caller is known: a route's own onRequest hooks run after the scope's, and authentication
    // is the /v1 scope's onRequest hook. Each API key and each portal user has a budget of its own, since all
    // portal traffic arrives from the portal's one address; before anything else of the request is read.
    // Bad credentials never get this far; auth/auth-limits.ts paces them per address.
    hook: "onRequest",
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `Too many requests: at most ${context.max} per ${context.after}; try again later.`,
    }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "TechSync API",
        version: "1.0.0",
        description: "Keeps LogMeIn Rescue technician groups in step with Microsoft Entra ID groups.",
      },
      components: {
        securitySchemes: {
          bearer: {
            type: "http",
            scheme: "bearer",
            description: "A portal token (JWT, HS256) or an API key `tsk_<prefix>_<secret>`.",
          },
        },
      },
    },
    transform: (document) => {
      if (document.url.startsWith(QUEUE_BOARD_PATH)) return { schema: { hide: true }, url: document.url };
      const transformed = jsonSchemaTransform(document);
      const secured = (document.route.config as { access?: unknown } | undefined)?.access !== undefined;
      return secured ? { ...transformed, schema: { ...transformed.schema, security: [{ bearer: [] }] } } : transformed;
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());

  await app.register(healthRoutes, { checks: deps.readiness });
  await app.register(metricsRoute, { metrics: deps.metrics });
  await app.register(queueBoard, {
    syncQueue: deps.syncQueue,
    operatorToken: options.operatorToken,
    attemptCounter: deps.attemptCounter,
    writable: options.queueBoardWritable ?? false,
  });
  await app.register(v1Routes, deps);
  return app;
}
