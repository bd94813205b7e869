import { classifyGraphError, classifyTokenError, parseRetryAfter } from "./entra-errors";

const config = { tenantId: "t", clientId: "c", clientSecret: "s3cr~et" };

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("0.5")).toBe(500);
    const now = Date.parse("2026-11-26T10:00:00Z");
    expect(parseRetryAfter("Thu, 26 Nov 2026 10:00:07 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Thu, 26 Nov 2026 09:00:00 GMT", now)).toBe(0);
  });

  it("ignores absent or unreadable values", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("classifyTokenError", () => {
  it("branches on errorNo, not on the message", () => {
    const misleading = { errorCode: "invalid_client", errorNo: "7000222", errorMessage: "AADSTS7000215: wrong secret" };
    expect(classifyTokenError(misleading, config)).toMatchObject({ kind: "secretExpired", code: "7000222" });
  });

  it("knows the secret id mistake only when the secret is GUID-shaped", () => {
    const error = { errorCode: "invalid_client", errorNo: "7000215" };
    expect(classifyTokenError(error, config).message).not.toMatch(/secret's ID/);
    const withId = classifyTokenError(error, { ...config, clientSecret: " 5f0c9a1e-2b3d-4e5f-8a7b-9c0d1e2f3a4b " });
    expect(withId.message).toMatch(/secret's ID/);
  });

  it("treats network failures and 5xx as retryable", () => {
    expect(classifyTokenError({ errorCode: "network_error" }, config)).toMatchObject({
      kind: "network",
      retryable: true,
    });
    expect(classifyTokenError({ errorCode: "server_error", status: 503 }, config)).toMatchObject({ retryable: true });
    expect(classifyTokenError({ errorCode: "invalid_request", errorNo: "90002", status: 400 }, config)).toMatchObject({
      kind: "tenantNotFound",
      retryable: false,
    });
  });
});

describe("classifyGraphError", () => {
  const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });

  it("maps status and code to a kind, keeping the request-id and Retry-After", () => {
    const throttled = classifyGraphError({
      statusCode: 429,
      code: "TooManyRequests",
      requestId: "r-1",
      headers: headers({ "retry-after": "2" }),
    });
    expect(throttled).toMatchObject({ kind: "throttled", retryable: true, retryAfterMs: 2000, requestId: "r-1" });
    expect(classifyGraphError({ statusCode: 403, code: "Authorization_RequestDenied" })).toMatchObject({
      kind: "consentMissing",
      retryable: false,
    });
    expect(classifyGraphError({ statusCode: 400, code: "syncStateNotFound" })).toMatchObject({
      kind: "resyncRequired",
    });
    expect(classifyGraphError({ statusCode: 410, code: null, body: "{}" })).toMatchObject({
      kind: "resyncRequired",
      code: "410",
    });
    expect(classifyGraphError({ statusCode: 504 })).toMatchObject({ kind: "graphUnavailable", retryable: true });
    expect(classifyGraphError({ statusCode: -1, code: "TypeError" })).toMatchObject({
      kind: "network",
      retryable: true,
    });
  });

  it("reads the code from the body when the client did not parse it", () => {
    const error = classifyGraphError({ statusCode: 400, body: JSON.stringify({ code: "Request_UnsupportedQuery" }) });
    expect(error).toMatchObject({ kind: "badRequest", code: "Request_UnsupportedQuery" });
  });
});
