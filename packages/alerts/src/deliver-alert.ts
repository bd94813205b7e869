// One attempt of one delivery: an email over SMTP or a signed webhook POST through the outbound policy. Every
// attempt is logged (time, status code, short excerpt of the answer, the error in words); a failed attempt throws so
// the queue retries it with backoff; a delivery already delivered is never sent again (a retried job mails once).
import { alertWebhookSecretField, type PrismaClient, type SecretBox, tenantDataKey } from "@techsync/db";
import { createOutboundFetch, isOutboundRefusal, type Resolve } from "@techsync/outbound";
import { alertMail, webhookBody } from "./alert-message";
import { describeMailError, type Mailer } from "./mailer";
import { SIGNATURE_HEADER, signWebhookBody } from "./webhook-signature";
import { type WebhookPolicy, webhookUrlRefusal } from "./webhook-url";

export interface DeliverAlertDeps {
  prisma: PrismaClient;
  secretBox: SecretBox;
  /** Absent: no SMTP server configured; email deliveries fail with that reason. */
  mailer?: Mailer;
  /** The portal's origin, for links in mails and webhook bodies. */
  portalUrl: string;
  webhookPolicy: WebhookPolicy;
  /** Per webhook request (default 10 s). */
  webhookTimeoutMs?: number;
  resolve?: Resolve;
}

/** A failed attempt, in words; the queue tries again unless it was the last. */
export class AlertDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AlertDeliveryError";
  }
}

const EXCERPT_CHARS = 200;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (isOutboundRefusal(error)) {
    let current: unknown = error;
    while (current && !(current instanceof Error && current.name === "OutboundRefusedError")) {
      current = (current as { cause?: unknown }).cause;
    }
    return current instanceof Error ? current.message : "Refused by the outbound policy.";
  }
  const name = (error as { name?: string } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") return `No answer within ${timeoutMs / 1000} seconds.`;
  const code = ((error as { cause?: { code?: string } } | null)?.cause ?? (error as { code?: string } | null))?.code;
  if (code === "ECONNREFUSED") return "The webhook's server refused the connection.";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "The webhook's host name could not be found.";
  if (code?.startsWith("ERR_TLS") || code?.includes("CERT")) return "The webhook's server certificate is not valid.";
  return "The webhook could not be reached.";
}

/**
 * Makes one attempt. `finalAttempt`: when it fails too, the delivery is marked failed. Returns "delivered",
 * "skipped" (already delivered, or gone), or throws AlertDeliveryError.
 */
export async function deliverAlert(
  deps: DeliverAlertDeps,
  deliveryId: string,
  finalAttempt: boolean,
): Promise<"delivered" | "skipped"> {
  const { prisma } = deps;
  const delivery = await prisma.alertDelivery.findUnique({
    where: { id: deliveryId },
    include: {
      event: true,
      webhook: true,
      tenant: { select: { id: true, name: true, dataKeyWrapped: true, dataKeyMasterKeyId: true } },
    },
  });
  if (!delivery || delivery.status !== "pending") return "skipped";
  const tenant = delivery.tenant;
  let outcome: { ok: boolean; statusCode?: number; responseExcerpt?: string; error?: string };

  if (delivery.channel === "email") {
    if (!deps.mailer) {
      outcome = { ok: false, error: "No mail server is configured (SMTP_URL)." };
    } else {
      const mail = alertMail(delivery.event, tenant, deps.portalUrl);
      try {
        await deps.mailer.send({ to: delivery.target, ...mail });
        outcome = { ok: true };
      } catch (error) {
        outcome = { ok: false, error: describeMailError(error) };
      }
    }
  } else {
    const webhook = delivery.webhook;
    if (!webhook) return "skipped"; // removed since: nothing to send to
    const refusal = webhookUrlRefusal(webhook.url, deps.webhookPolicy);
    if (refusal) {
      outcome = { ok: false, error: refusal };
    } else {
      const secret = deps.secretBox.decrypt(
        tenant.id,
        tenantDataKey(tenant),
        alertWebhookSecretField(webhook.id),
        webhook.signingSecretEnc,
      );
      const body = webhookBody(delivery.event, tenant, deps.portalUrl);
      const timeoutMs = deps.webhookTimeoutMs ?? 10_000;
      const fetch = createOutboundFetch({
        allowedOrigins: [new URL(webhook.url).origin],
        allowPrivateAddresses: deps.webhookPolicy.allowPrivateAddresses,
        totalTimeoutMs: timeoutMs,
        connectTimeoutMs: timeoutMs,
        ...(deps.resolve ? { resolve: deps.resolve } : {}),
      });
      try {
        const response = await fetch(webhook.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "TechSync-Webhooks/1",
            [SIGNATURE_HEADER]: signWebhookBody(secret, body),
            "TechSync-Event": delivery.event.kind,
            "TechSync-Delivery": delivery.id,
          },
          body,
        });
        const text = await response.text().catch(() => "");
        const ok = response.status >= 200 && response.status < 300;
        outcome = {
          ok,
          statusCode: response.status,
          responseExcerpt: excerpt(text),
          ...(ok ? {} : { error: `The webhook answered ${response.status}; only a 2xx answer counts as received.` }),
        };
      } catch (error) {
        outcome = { ok: false, error: describeFetchError(error, timeoutMs) };
      }
    }
  }

  await prisma.$transaction([
    prisma.alertDeliveryAttempt.create({
      data: {
        deliveryId,
        tenantId: tenant.id,
        ok: outcome.ok,
        statusCode: outcome.statusCode ?? null,
        responseExcerpt: outcome.responseExcerpt ?? null,
        error: outcome.error ?? null,
      },
    }),
    prisma.alertDelivery.update({
      where: { id: deliveryId },
      data: {
        attempts: { increment: 1 },
        ...(outcome.ok ? { status: "delivered", deliveredAt: new Date() } : finalAttempt ? { status: "failed" } : {}),
      },
    }),
  ]);
  if (!outcome.ok) throw new AlertDeliveryError(outcome.error ?? "The alert could not be delivered.");
  return "delivered";
}
