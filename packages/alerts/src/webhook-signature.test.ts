// The signature a receiver checks: computed over "<t>.<body>" with the endpoint's secret; any change to the body,
// the timestamp or the secret makes it fail, and an old one is refused.
import { createHmac } from "node:crypto";
import { generateSigningSecret, signWebhookBody, verifyWebhookSignature } from "./webhook-signature";

const secret = "whsec_test-secret";
const body = JSON.stringify({ type: "run_blocked", data: { summary: "blocked" } });
const t = 1_790_000_000;

describe("webhook signatures", () => {
  it("is t=<seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>'> — what a receiver recomputes by hand", () => {
    const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    expect(signWebhookBody(secret, body, t)).toBe(`t=${t},v1=${expected}`);
  });

  it("verifies a fresh signature over the exact body", () => {
    expect(verifyWebhookSignature(signWebhookBody(secret, body, t), body, secret, { now: t + 10 })).toEqual({
      ok: true,
      timestamp: t,
    });
  });

  it("refuses a changed body, another secret, a moved timestamp, an old signature and no header", () => {
    const header = signWebhookBody(secret, body, t);
    expect(verifyWebhookSignature(header, `${body} `, secret, { now: t }).ok).toBe(false);
    expect(verifyWebhookSignature(header, body, "whsec_other", { now: t }).ok).toBe(false);
    expect(verifyWebhookSignature(header.replace(`t=${t}`, `t=${t + 1}`), body, secret, { now: t }).ok).toBe(false);
    expect(verifyWebhookSignature(header, body, secret, { now: t + 301 })).toEqual({
      ok: false,
      reason: "the signature is too old",
    });
    expect(verifyWebhookSignature(undefined, body, secret).ok).toBe(false);
    expect(verifyWebhookSignature("v1=abc", body, secret).ok).toBe(false);
  });

  it("makes a new, long secret each time", () => {
    const a = generateSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateSigningSecret()).not.toBe(a);
  });
});
