// When the stored client secret expires, read from the app registration's passwordCredentials in Graph, so the
// expiry reminder works without a date typed at onboarding. Graph shows only a secret's `hint` (its first three
// characters), so the stored secret is matched on that. Reading applications needs Application.Read.All (or
// Directory.Read.All); without it the answer is "not permitted", and nothing here ever throws into a run.
import { createTenantClients, type EntraConnectionConfig } from "./entra-directory-source";
import { EntraError } from "./entra-errors";

export type ClientSecretExpiry =
  | { status: "found"; expiresAt: Date; keyId: string }
  /** The app may not read app registrations (403): the person has to type the date, or grant the permission. */
  | { status: "not_permitted" }
  /** No credential could be told apart, or Graph could not be read; `reason` is for logs (no secret in it). */
  | { status: "unknown"; reason: string };

interface PasswordCredential {
  keyId?: string;
  hint?: string | null;
  endDateTime?: string | null;
}

/**
 * Picks the stored secret's credential: the one whose hint is the secret's first three characters; when several
 * share that hint, the one not yet expired (the stored secret just signed in, so it has not); when no hint
 * matches and the app has exactly one credential, that one; otherwise none.
 */
export function pickSecretCredential(
  credentials: readonly PasswordCredential[],
  clientSecret: string,
  now: Date = new Date(),
): PasswordCredential | undefined {
  const hint = clientSecret.slice(0, 3);
  const matching = credentials.filter((credential) => credential.hint === hint);
  if (matching.length === 1) return matching[0];
  if (matching.length > 1) {
    const live = matching.filter((credential) => Date.parse(credential.endDateTime ?? "") > now.getTime());
    return live.length === 1 ? live[0] : undefined;
  }
  return credentials.length === 1 ? credentials[0] : undefined;
}

export async function readClientSecretExpiry(
  config: EntraConnectionConfig,
  now: Date = new Date(),
): Promise<ClientSecretExpiry> {
  try {
    const { graph } = createTenantClients(config);
    const filter = encodeURIComponent(`appId eq '${config.clientId.replace(/'/g, "''")}'`);
    const page = await graph.get<{ value?: { appId?: string; passwordCredentials?: PasswordCredential[] }[] }>(
      `/applications?$filter=${filter}&$select=passwordCredentials,appId,displayName`,
    );
    const app = page.value?.find((candidate) => candidate.appId?.toLowerCase() === config.clientId.toLowerCase());
    if (!app) return { status: "unknown", reason: "the app registration is not in this directory" };
    const credential = pickSecretCredential(app.passwordCredentials ?? [], config.clientSecret, now);
    const expiresAt = new Date(credential?.endDateTime ?? "");
    if (!credential || Number.isNaN(expiresAt.getTime())) {
      return { status: "unknown", reason: "no client secret of the app registration matches the stored one" };
    }
    return { status: "found", expiresAt, keyId: credential.keyId ?? "" };
  } catch (error) {
    if (error instanceof EntraError && error.status === 403) return { status: "not_permitted" };
    return {
      status: "unknown",
      reason:
        error instanceof EntraError ? `${error.kind}: ${error.message}` : "the app registration could not be read",
    };
  }
}
