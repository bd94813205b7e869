// Bad input to every route: malformed JSON, wrong types, over-long strings, unknown fields, bad ids,
// absurd page sizes. Always a 4xx whose message names the field, never a 500, and nothing written.
import { type ApiHarness, startApiHarness } from "../test/api-harness";
import { fillPath, type JsonSchema, type Operation, v1Operations, validBody } from "../test/route-catalogue";

let api: ApiHarness;
let operations: Operation[];
let owner: { tenantId: string; token: string };
let serviceToken: string;
let ids: Record<string, string>;

function tokenFor(op: Operation): string {
  return op.audience === "service" ? serviceToken : owner.token;
}

async function rowCounts() {
  const p = api.prisma;
  const counts = await Promise.all([
    p.tenant.count(),
    p.portalUser.count(),
    p.membership.count(),
    p.groupMapping.count(),
    p.syncRun.count(),
    p.apiKey.count({ where: { revokedAt: null } }),
    p.auditEvent.count(),
    p.rescueConnection.count(),
    p.entraConnection.count(),
    p.invitation.count({ where: { revokedAt: null, acceptedAt: null } }),
  ]);
  return counts.join(",");
}

function typeOf(schema: JsonSchema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  return type ?? schema.anyOf?.map(typeOf).find((t) => t && t !== "null");
}

/** A value of the wrong JSON type for this schema. */
function wrongValue(schema: JsonSchema): unknown {
  switch (typeOf(schema)) {
    case "string":
      return 12345;
    case "boolean":
      return "yes";
    case "array":
      return "not-a-list";
    default:
      return "not-a-number-or-object";
  }
}

function expectFieldNamed(res: { statusCode: number; json(): { message: string } }, field: string, what: string) {
  expect({ what, status: res.statusCode }).toEqual({ what, status: 400 });
  expect({ what, message: res.json().message }).toEqual({ what, message: expect.stringContaining(field) });
}

beforeAll(async () => {
  api = await startApiHarness();
  operations = await v1Operations(api.app);
  owner = await api.ownerWithTenant("Bad input Ltd");
  serviceToken = await api.serviceToken();
  ids = await api.tenantResources(owner);
});
afterAll(() => api.close());

describe("bad input to every route", () => {
  let before: string;
  beforeAll(async () => {
    before = await rowCounts();
  });
  afterAll(async () => {
    // Checked once every refusal below has been sent.
    expect(await rowCounts()).toBe(before);
  });

  test("bad ids in the path name the parameter", async () => {
    let checked = 0;
    for (const op of operations) {
      for (const param of op.pathParams) {
        const res = await api.call(tokenFor(op), {
          method: op.method,
          url: fillPath(op, { ...ids, [param]: "not-an-id" }),
          payload: validBody(op),
        });
        expectFieldNamed(res, `params.${param}`, `${op.method} ${op.path} {${param}}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  test("malformed JSON, a non-object, unknown fields, wrong types and over-long strings in bodies name the field", async () => {
    const withBody = operations.filter((op) => op.bodySchema);
    expect(withBody.length).toBeGreaterThanOrEqual(13);
    for (const op of withBody) {
      const url = fillPath(op, ids);
      const token = tokenFor(op);
      const what = `${op.method} ${op.path}`;
      const malformed = await api.call(token, {
        method: op.method,
        url,
        payload: '{"name": "x",',
        headers: { "content-type": "application/json" },
      });
      expectFieldNamed(malformed, "body", `${what} malformed`);

      const notObject = await api.call(token, {
        method: op.method,
        url,
        payload: "[1,2]",
        headers: { "content-type": "application/json" },
      });
      expectFieldNamed(notObject, "body", `${what} array body`);

      const unknown = await api.call(token, { method: op.method, url, payload: { ...validBody(op), sneaky: true } });
      expectFieldNamed(unknown, "sneaky", `${what} unknown field`);

      for (const [field, schema] of Object.entries(op.bodySchema?.properties ?? {})) {
        const wrong = await api.call(token, {
          method: op.method,
          url,
          payload: { ...validBody(op), [field]: wrongValue(schema) },
        });
        expectFieldNamed(wrong, `body.${field}`, `${what} wrong type of ${field}`);
        const maxLength = schema.maxLength ?? schema.anyOf?.find((s) => s.maxLength)?.maxLength;
        if (maxLength) {
          const long = await api.call(token, {
            method: op.method,
            url,
            payload: { ...validBody(op), [field]: "a".repeat(maxLength + 1) },
          });
          expectFieldNamed(long, `body.${field}`, `${what} over-long ${field}`);
        }
      }
    }
  });

  test("absurd page sizes, over-long and unknown query parameters name the parameter", async () => {
    let checked = 0;
    for (const op of operations.filter((o) => o.method === "GET")) {
      const url = fillPath(op, ids);
      const token = tokenFor(op);
      const what = `${op.method} ${op.path}`;
      const unknown = await api.call(token, { method: "GET", url: `${url}?sneaky=1` });
      expectFieldNamed(unknown, "sneaky", `${what} unknown query`);
      for (const { name, schema } of op.queryParams) {
        if (typeOf(schema) === "integer" || typeOf(schema) === "number") {
          const pageSize = name === "limit" || name === "pageSize";
          for (const absurd of pageSize ? ["100000000", "0", "-5", "ten"] : ["-5", "ten", "1.5"]) {
            const res = await api.call(token, { method: "GET", url: `${url}?${name}=${absurd}` });
            expectFieldNamed(res, `query.${name}`, `${what} ${name}=${absurd}`);
            checked++;
          }
        }
        if (schema.maxLength) {
          const res = await api.call(token, {
            method: "GET",
            url: `${url}?${name}=${"a".repeat(schema.maxLength + 1)}`,
          });
          expectFieldNamed(res, `query.${name}`, `${what} long ${name}`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  test("a body over the size limit is 413, not a 500", async () => {
    const res = await api.call(owner.token, {
      method: "PATCH",
      url: `/v1/tenants/${owner.tenantId}`,
      payload: { name: "x".repeat(200_000) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: "payload_too_large", message: expect.stringContaining("body") });
  });

  test("a body that is not JSON is 415", async () => {
    const res = await api.call(owner.token, {
      method: "POST",
      url: `/v1/tenants/${owner.tenantId}/runs`,
      payload: "dryRun=true",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.statusCode).toBe(415);
  });

  test("no or a bad credential is 401 on every route but the public ones", async () => {
    // Graph's notification endpoints take no bearer token: each notification's clientState is their check.
    expect(operations.filter((op) => op.audience === "public").map((op) => `${op.method} ${op.path}`)).toEqual([
      "GET /v1/invitations/{token}",
      "POST /v1/graph/notifications",
      "POST /v1/graph/lifecycle",
    ]);
    // Each route from an address of its own: one address sending many bad keys is refused (429) after a few.
    for (const [i, op] of operations.filter((o) => o.audience !== "public").entries()) {
      const url = fillPath(op, ids);
      const none = await api.app.inject({ method: op.method as "GET", url, payload: validBody(op) });
      expect({ route: `${op.method} ${op.path}`, status: none.statusCode }).toEqual({
        route: `${op.method} ${op.path}`,
        status: 401,
      });
      const forged = await api.call("tsk_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", {
        method: op.method,
        url,
        payload: validBody(op),
        remoteAddress: `192.0.2.${i + 1}`,
      });
      expect(forged.statusCode).toBe(401);
    }
  });
});
