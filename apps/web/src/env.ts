// The portal server's environment (STYLE.md 7): parsed once, on the server only.
import { envShapes, parseEnv } from "@techsync/config";
import { z } from "zod";

export const WebEnvSchema = z.object({
  /** Where the portal's server reaches the API. */
  API_URL: z.string().url().default("http://127.0.0.1:4000"),
  /** Shared with the API: signs the portal's short-lived user tokens. */
  API_TOKEN_SECRET: envShapes.secret(32),
  NEXTAUTH_URL: z.string().url().default("http://localhost:3000"),
  NEXTAUTH_SECRET: envShapes.secret(32),
});
export type WebEnv = z.infer<typeof WebEnvSchema>;

export function loadWebEnv(source: Record<string, string | undefined> = process.env): WebEnv {
  return parseEnv(WebEnvSchema, source);
}
