import { type ApiHarness, startApiHarness, TEST_OPERATOR_TOKEN, TEST_PORTAL_ORIGIN } from "../test/api-harness";

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

describe("documentation and operations", () => {
  test("/openapi.json documents every /v1 route with its schemas and bearer security", async () => {
    const res = await api.app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        "POST /v1/auth/signup",
        "GET /v1/me",
        "PATCH /v1/tenants/{tenantId}",
        "GET /v1/tenants/{tenantId}/runs/{runId}/actions",
        "GET /v1/tenants/{tenantId}/runs/{runId}/events",
        "POST /v1/tenants/{tenantId}/runs/{runId}/cancel",
        "POST /v1/tenants/{tenantId}/runs/{runId}/retry",
        "POST /v1/tenants/{tenantId}/mappings/impact",
        "PUT /v1/tenants/{tenantId}/mappings/order",
        "DELETE /v1/tenants/{tenantId}/api-keys/{keyId}",
        "POST /v1/tenants/{tenantId}/invitations",
        "POST /v1/invitations/{token}/accept",
        "GET /v1/tenants/{tenantId}/activation",
        "POST /v1/tenants/{tenantId}/activation",
        "POST /v1/graph/notifications",
        "POST /v1/graph/lifecycle",
        "GET /v1/tenants/{tenantId}/entra-users",
        "POST /v1/tenants/{tenantId}/entra-users/{entraUserId}/sync",
        "GET /healthz",
        "GET /metrics",
      ]),
    );
    expect(routes.filter((r) => r.includes(" /v1/"))).toHaveLength(68);
    // Cancel answers 200 when the run ended at once, 202 when its worker is stopping it.
    expect(Object.keys(doc.paths["/v1/tenants/{tenantId}/runs/{runId}/cancel"].post.responses)).toEqual(
      expect.arrayContaining(["200", "202", "404", "409"]),
    );
    expect(doc.paths["/v1/tenants/{tenantId}/mappings"].post.security).toEqual([{ bearer: [] }]);
    expect(doc.paths["/v1/tenants/{tenantId}/mappings"].post.requestBody).toBeDefined();
  });

  test("/docs serves the UI", async () => {
    const res = await api.app.inject({ method: "GET", url: "/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("swagger");
  });

  test("/metrics is Prometheus text with request durations", async () => {
    await api.app.inject({ method: "GET", url: "/healthz" });
    const res = await api.app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("techsync_api_request_duration_seconds_bucket");
    expect(res.body).toContain("techsync_api_runs_started_total");
  });

  test("Bull Board answers only with the operator token", async () => {
    expect((await api.app.inject({ method: "GET", url: "/admin/queues" })).statusCode).toBe(401);
    const wrong = await api.app.inject({
      method: "GET",
      url: "/admin/queues",
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await api.app.inject({
      method: "GET",
      url: "/admin/queues",
      headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` },
    });
    expect(ok.statusCode).toBe(200);
  });

  test("CORS lets the portal's origin in and no other; helmet's headers are set", async () => {
    const portal = await api.app.inject({
      method: "OPTIONS",
      url: "/v1/me",
      headers: { origin: TEST_PORTAL_ORIGIN, "access-control-request-method": "GET" },
    });
    expect(portal.headers["access-control-allow-origin"]).toBe(TEST_PORTAL_ORIGIN);
    const other = await api.app.inject({
      method: "OPTIONS",
      url: "/v1/me",
      headers: { origin: "https://evil.test", "access-control-request-method": "GET" },
    });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    const res = await api.app.inject({ method: "GET", url: "/healthz" });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });
});

describe("rate limits", () => {
  let limited: ApiHarness;
  beforeAll(async () => {
    limited = await startApiHarness({ rateLimitPerMinute: 3 });
  });
  afterAll(() => limited.close());

  test("each API key and each portal user has a budget of its own", async () => {
    const owner = await limited.ownerWithTenant(); // one request of the owner's budget
    const mint = async (name: string) =>
      (
        await limited.call(owner.token, {
          method: "POST",
          url: `/v1/tenants/${owner.tenantId}/api-keys`,
          payload: { name, scopes: ["read"] },
        })
      ).json().key as string;
    const keyA = await mint("a");
    const keyB = await mint("b"); // the owner's budget of 3 is now spent
    const url = `/v1/tenants/${owner.tenantId}`;

    const byUser = await limited.call(owner.token, { method: "GET", url });
    expect(byUser.statusCode).toBe(429);
    expect(byUser.json()).toMatchObject({ error: "rate_limited", requestId: expect.any(String) });

    const a = [];
    for (let i = 0; i < 4; i++) a.push((await limited.call(keyA, { method: "GET", url })).statusCode);
    expect(a).toEqual([200, 200, 200, 429]);
    expect((await limited.call(keyB, { method: "GET", url })).statusCode).toBe(200);
  });

  test("errors are counted by code in /metrics", async () => {
    await limited.app.inject({ method: "GET", url: "/v1/me" });
    const metrics = await limited.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(/techsync_api_errors_total\{code="rate_limited"\} [1-9]/);
  });
});
