// The portal server's environment: parsed once, on the server only.
import { envShapes, parseEnv } from "@techsync/config";
import { z } from "zod";

const optional = z
  .string()
  .optional()
  .transform((value) => (value === "" ? undefined : value));

export const WebEnvSchema = z.object({
  /** Where the portal's server reaches the API. */
  API_URL: z.string().url().default("http://127.0.0.1:4000"),
  /** Shared with the API: signs the portal's short-lived user tokens. */
  API_TOKEN_SECRET: envShapes.secret(32),
  NEXTAUTH_URL: z.string().url().default("http://localhost:3000"),
  NEXTAUTH_SECRET: envShapes.secret(32),
  /** "Sign in with Microsoft" is offered only when all three are set. */
  AZURE_AD_CLIENT_ID: optional,
  AZURE_AD_CLIENT_SECRET: optional,
  AZURE_AD_TENANT_ID: optional,
});
export type WebEnv = z.infer<typeof WebEnvSchema>;

export function loadWebEnv(source: Record<string, string | undefined> = process.env): WebEnv {
  return parseEnv(WebEnvSchema, source);
}

/** The Microsoft provider's settings, or null when it is not configured. */
export function microsoftSignIn(env: WebEnv): { clientId: string; clientSecret: string; tenantId: string } | null {
  const { AZURE_AD_CLIENT_ID: clientId, AZURE_AD_CLIENT_SECRET: clientSecret, AZURE_AD_TENANT_ID: tenantId } = env;
  return clientId && clientSecret && tenantId ? { clientId, clientSecret, tenantId } : null;
}
