// Each app parses its environment once, at start, with a zod schema (STYLE.md 7). A bad or missing
// variable ends the process with one line that names it; secrets' values are never echoed.
import { z } from "zod";

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvError";
  }
}

/** Parses `source` with `schema`; throws an EnvError naming the first bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
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
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  secret: (minLength: number) => z.string().min(minLength, `must be at least ${minLength} characters`),
  /**
   * An emulator's origin (scheme://host:port, nothing after it): the sandbox destination, set by the operator.
   * Optional; empty counts as unset.
   */
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
