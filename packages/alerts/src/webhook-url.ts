// Which webhook URLs a tenant may register: the outbound policy's rules (docs/security.md) — https only unless the
// operator allows http (development, sandbox), no credentials in the URL, and no private, loopback or metadata
// address unless the operator allows private addresses. Names are checked again on every delivery (DNS may change).
import { isIP } from "node:net";
import { addressRefusal } from "@techsync/outbound";

export interface WebhookPolicy {
  /** http:// allowed (never in production). */
  allowHttp: boolean;
  /** Loopback and private addresses allowed (a local receiver in development or tests; never in production). */
  allowPrivateAddresses: boolean;
}

/** Why a webhook URL may not be used, in words, or undefined when it may. */
export function webhookUrlRefusal(raw: string, policy: WebhookPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Enter the full address of the webhook, starting with https://.";
  }
  if (url.protocol !== "https:" && !(policy.allowHttp && url.protocol === "http:")) {
    return "The webhook address must start with https://.";
  }
  if (url.username || url.password) return "The webhook address may not contain a user name or password.";
  if (url.hash) return "The webhook address may not contain a # part.";
  if (raw.length > 2000) return "The webhook address is too long.";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!policy.allowPrivateAddresses) {
    if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || host.endsWith(".local")) {
      return "The webhook address must be reachable on the internet, not a local or internal name.";
    }
    if (isIP(host) && addressRefusal(host)) {
      return "The webhook address must be a public internet address, not a private, local or metadata one.";
    }
  }
  return undefined;
}
