import { jwtVerify } from "jose";
import { PortalAuthApi, PortalUserApi } from "./api-client";
import { ApiError } from "./api-error";

const tokenSecret = "t".repeat(40);

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** A fetch that records requests and answers with the given responses in order. */
function fakeFetch(...answers: (Response | Error)[]) {
  const sent: Sent[] = [];
  const impl = (async (input: URL | RequestInfo, init?: RequestInit) => {
    sent.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: init?.headers as Record<string, string>,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    });
    const answer = answers.shift() ?? new Response(null, { status: 204 });
    if (answer instanceof Error) throw answer;
    return answer;
  }) as typeof fetch;
  return { impl, sent };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

function userApi(fetchImpl: typeof fetch) {
  return new PortalUserApi({ baseUrl: "http://api.test", tokenSecret, fetch: fetchImpl }, "user-1");
}

describe("API client", () => {
  test("calls carry a fresh token for the signed-in user and the query without empty values", async () => {
    const { impl, sent } = fakeFetch(json(200, { entries: [] }));
    await userApi(impl).tenant("t 1").logs({ level: "error", runId: "", limit: 50 });
    expect(sent[0]?.url).toBe("http://api.test/v1/tenants/t%201/logs?level=error&limit=50");
    const token = sent[0]?.headers.authorization?.replace("Bearer ", "") ?? "";
    const { payload } = await jwtVerify(token, new TextEncoder().encode(tokenSecret), { audience: "techsync-api" });
    expect(payload.sub).toBe("user-1");
  });

  test("sign-up uses the service token, naming the browser's address inside it, and sends the form as JSON", async () => {
    const { impl, sent } = fakeFetch(json(202, { status: "accepted", message: "Sign in to continue." }));
    const auth = new PortalAuthApi({ baseUrl: "http://api.test", tokenSecret, fetch: impl }, "203.0.113.7");
    const answer = await auth.signUp({ email: "a@b.c", password: "0123456789", tenantName: "Contoso" });
    expect(answer.status).toBe("accepted");
    expect(sent[0]).toMatchObject({ method: "POST", body: { email: "a@b.c", tenantName: "Contoso" } });
    expect(sent[0]?.headers["content-type"]).toBe("application/json");
    expect(Object.keys(sent[0]?.headers ?? {})).not.toContain("x-forwarded-for");
    const token = sent[0]?.headers.authorization?.replace("Bearer ", "") ?? "";
    const { payload } = await jwtVerify(token, new TextEncoder().encode(tokenSecret));
    expect(payload).toMatchObject({ scope: "portal:auth", client_address: "203.0.113.7" });
  });

  test("a validation error keeps the API's words and names the fields", async () => {
    const { impl } = fakeFetch(
      json(400, {
        error: "validation",
        message: "The email is not valid.",
        requestId: "r1",
        details: [
          { path: ["email"], message: "The email is not valid." },
          { field: "apiBaseUrl", message: "Bad URL." },
        ],
      }),
    );
    const error = await userApi(impl)
      .tenant("t")
      .saveRescueConnection({ email: "x" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: "validation",
      message: "The email is not valid.",
      fieldErrors: { email: "The email is not valid.", apiBaseUrl: "Bad URL." },
    });
  });

  test("the API's validation summary drops where a field sits", async () => {
    const { impl } = fakeFetch(json(400, { error: "validation_failed", message: "body.email: Invalid email address" }));
    await expect(userApi(impl).tenant("t").invite("x", "viewer")).rejects.toMatchObject({
      message: "Email: Invalid email address.",
    });
  });

  test("the sign-in rate limit's message reaches the person", async () => {
    const { impl } = fakeFetch(json(429, { error: "rate_limited", message: "Too many attempts; wait 60 seconds." }));
    const auth = new PortalAuthApi({ baseUrl: "http://api.test", tokenSecret, fetch: impl });
    await expect(auth.logIn({ email: "a@b.c", password: "p" })).rejects.toMatchObject({
      status: 429,
      message: "Too many attempts; wait 60 seconds.",
    });
  });

  test("a server fault says nothing internal, only a reference", async () => {
    const { impl } = fakeFetch(json(500, { error: "internal", message: "TypeError at x.ts:3", requestId: "req-9" }));
    const error = (await userApi(impl)
      .me()
      .catch((e: unknown) => e)) as ApiError;
    expect(error.message).toBe(
      "Something went wrong in TechSync. Please try again; if it keeps happening, quote reference req-9.",
    );
  });

  test("an outage the API names (the job queue) is told in the API's words; a 503 without a name stays generic", async () => {
    const message = "The job queue is unavailable; the run is saved and will start when it returns.";
    const named = fakeFetch(json(503, { error: "queue_unavailable", message, requestId: "req-1" }));
    await expect(userApi(named.impl).me()).rejects.toMatchObject({ status: 503, message });
    const other = fakeFetch(json(503, { error: "internal", message: "pool exhausted at db.ts:9" }));
    const error = (await userApi(other.impl)
      .me()
      .catch((e: unknown) => e)) as ApiError;
    expect(error.message).toBe("Something went wrong in TechSync. Please try again.");
  });

  test("an error without a JSON body falls back to words for its status", async () => {
    const { impl } = fakeFetch(new Response("<html>forbidden</html>", { status: 403 }));
    await expect(userApi(impl).tenant("t").settings()).rejects.toMatchObject({
      message: "Your role in this organisation does not allow this.",
    });
  });

  test("an unreachable API is reported as such", async () => {
    const { impl } = fakeFetch(new TypeError("fetch failed"));
    await expect(userApi(impl).me()).rejects.toMatchObject({ code: "unreachable", status: 503 });
  });

  test("a connection not yet saved is null, and a 204 answer is empty", async () => {
    const { impl, sent } = fakeFetch(
      json(404, { error: "not_found", message: "No connection." }),
      new Response(null, { status: 204 }),
    );
    const tenant = userApi(impl).tenant("t");
    await expect(tenant.rescueConnection()).resolves.toBeNull();
    await expect(tenant.deleteMapping("m1")).resolves.toBeUndefined();
    expect(sent[1]).toMatchObject({ method: "DELETE", url: "http://api.test/v1/tenants/t/mappings/m1" });
  });

  test("members are read whether the API nests the user or not", async () => {
    const { impl } = fakeFetch(
      json(200, {
        members: [
          { userId: "u1", email: "a@b.c", role: "owner" },
          { user: { id: "u2", email: "d@e.f", name: "Dee" }, role: "viewer" },
        ],
      }),
    );
    await expect(userApi(impl).tenant("t").members()).resolves.toEqual([
      { userId: "u1", email: "a@b.c", name: null, role: "owner" },
      { userId: "u2", email: "d@e.f", name: "Dee", role: "viewer" },
    ]);
  });
});
