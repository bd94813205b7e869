// Each app parses its environment once, at start, with a zod schema. A bad or missing
// variable ends the process with one line that names it; secrets' values are never echoed.
import { z } from "zod";

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvError";
  }
}

/**
 * Secret values anyone can read: the placeholders of .env.example and the values it shipped before
 * `npm start` generated fresh ones. With them anyone could mint portal tokens, open the queue board or read
 * tenants' stored credentials, so production refuses them.
 */
export const PUBLISHED_SECRET_VALUES: Record<string, readonly string[]> = {
  API_TOKEN_SECRET: ["local-dev-only-portal-token-secret-0123456789"],
  NEXTAUTH_SECRET: ["local-dev-only-nextauth-secret-0123456789abcdef"],
  OPERATOR_TOKEN: ["local-dev-only-operator-token-0123456789"],
  SECRET_BOX_MASTER_KEYS: ["ryUXSI/HohRp4YrNrGdHePr2ab3zjuk6Q7xVuebvV8g="],
};
/** What .env.example holds in place of a secret; `npm start` replaces it with a random value. */
export const SECRET_PLACEHOLDER_MARK = "replace-me";

/**
 * The first secret variable (of `names`, default all) whose value is published, or null. Only names are
 * returned, never values.
 */
export function publishedSecretIn(
  source: Record<string, string | undefined>,
  names: readonly string[] = Object.keys(PUBLISHED_SECRET_VALUES),
): string | null {
  for (const name of names) {
    const published = PUBLISHED_SECRET_VALUES[name];
    const value = source[name];
    if (!published) continue;
    if (!value) continue;
    if (value.includes(SECRET_PLACEHOLDER_MARK) || published.some((known) => value.includes(known))) return name;
  }
  return null;
}

/**
 * Parses `source` with `schema`; throws an EnvError naming the first bad variable. With NODE_ENV=production
 * a secret that is a published example value is refused too.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) {
    // An app answers for the variables it reads; an object schema names them.
    const names = schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
    const published = source.NODE_ENV === "production" ? publishedSecretIn(source, names) : null;
    if (published) {
      throw new EnvError(
        `Refusing to start in production: ${published} is a published example value; generate a new secret (node -e "console.log(require('crypto').randomBytes(32).toString('base64'))").`,
      );
    }
    return result.data;
  }
  const issue = result.error.issues[0]!;
  const name = issue.path.join(".") || "environment";
  const missing = source[name] === undefined || source[name] === "";
  throw new EnvError(
    `${missing ? "Missing" : "Invalid"} environment variable ${name}: ${issue.message} (see .env.example)`,
  );
}

/** For an app's entry point: parse, or print the one line and exit 1. */
export function loadEnvOrExit<S extends z.ZodType>(
  app: string,
  schema: S,
  source: Record<string, string | undefined> = process.env,
): z.infer<S> {
  try {
    return parseEnv(schema, source);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`[${app}] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

/** Shared variable shapes. */
export const envShapes = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback),
  postgresUrl: z
    .string()
    .url()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgresql:// URL"),
  redisUrl: z
    .string()
    .url()
    .refine((v) => /^rediss?:\/\//.test(v), "must be a redis:// URL"),
  /**
   * The key prefix in Redis of the sync queue (BullMQ) and of everything else an app keeps there, the same in
   * the API and the worker; separate deployments (or tests) sharing one Redis each take a prefix of their own.
   */
  redisPrefix: z.string().min(1).default("bull"),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** "true" or "false" only, so a typo is an error rather than a silent "off". */
  flag: (fallback: boolean) =>
    z
      .enum(["true", "false"], { message: 'must be "true" or "false"' })
      .default(fallback ? "true" : "false")
      .transform((value) => value === "true"),
  secret: (minLength: number) => z.string().min(minLength, `must be at least ${minLength} characters`),
  /**
   * An emulator's origin (scheme://host:port, nothing after it): the sandbox destination, set by the operator.
   * Optional; empty counts as unset.
   */
  /**
   * PUBLIC_API_URL: where Microsoft Graph reaches this API from the internet (an https origin, optionally with a
   * path prefix of a reverse proxy). Unset: no change notifications; tenants are polled for changes instead.
   */
  publicApiUrl: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .url({ protocol: /^https?$/ })
      .refine((value) => !/[?#@]/.test(value), "must be a URL without query, fragment or credentials")
      .transform((value) => value.replace(/\/+$/, ""))
      .optional(),
  ),
  /**
   * SMTP_URL: the mail server for alerts, invitations and password reset (smtp://host:port, smtps://user:pass@host).
   * Empty: no mail is sent (alert deliveries by email fail with that reason). `npm start` runs a local catcher.
   */
  smtpUrl: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .url()
      .refine((value) => /^smtps?:\/\//.test(value), "must be an smtp:// or smtps:// URL")
      .optional(),
  ),
  /** SMTP_FROM: the sender of every mail, e.g. "TechSync <alerts@example.com>". */
  smtpFrom: z.string().min(3).default("TechSync <techsync@localhost>"),
  emulatorUrl: (protocol: "http" | "https" | "http or https") => {
    const example = protocol === "https" ? "https://127.0.0.1:4020" : "http://127.0.0.1:4010";
    return z.preprocess(
      (value) => (value === "" ? undefined : value),
      z
        .url({ protocol: protocol === "http or https" ? /^https?$/ : new RegExp(`^${protocol}$`) })
        // Nothing but scheme, host and port: no path, query, fragment (not even a bare "#") or credentials.
        .refine((value) => /^https?:\/\/[^/?#@]+\/?$/i.test(value), `must be a bare origin such as ${example}`)
        .transform((value) => new URL(value).origin)
        .optional(),
    );
  },
};

export { logRedaction, REDACTED_LOG_CENSOR, REDACTED_LOG_PATHS } from "./log-redaction";
