// Every route of the OpenAPI document, fed NUL characters, huge and negative numbers, over-long strings and
// wrong types in its path, query and body, by the callers an attacker can be: a viewer, a write-scoped API
// key, another tenant's admin (and the owner and the portal, whose input is a stranger's). Fails on any 500,
// on a secret reflected in a reply, and on a refused request that changed anything.
import { type ApiHarness, startApiHarness, TEST_OPERATOR_TOKEN, TEST_TOKEN_SECRET } from "../api-harness";
import { fillPath, type JsonSchema, type Operation, v1Operations, validBody } from "../route-catalogue";

jest.setTimeout(600_000);

let api: ApiHarness;
let operations: Operation[];
let ids: Record<string, string>;
const callers: { role: string; token: string; audiences: Operation["audience"][] }[] = [];
/** Values no reply may contain. */
const secrets: string[] = [TEST_TOKEN_SECRET, TEST_OPERATOR_TOKEN];

beforeAll(async () => {
  api = await startApiHarness();
  operations = await v1Operations(api.app);
  const owner = await api.ownerWithTenant("Fuzzed Ltd");
  ids = await api.tenantResources(owner);
  const rescueBody = validBody(
    operations.find((op) => op.path.endsWith("/rescue-connection") && op.method === "PUT")!,
  )!;
  const saved = await api.call(owner.token, {
    method: "PUT",
    url: `/v1/tenants/${owner.tenantId}/rescue-connection`,
    payload: rescueBody,
  });
  expect(saved.statusCode).toBe(200);
  for (const secret of [rescueBody.password, rescueBody.apiToken]) {
    if (typeof secret !== "string" || secret.length < 8)
      throw new Error("the route catalogue's Rescue body lost its secrets");
    secrets.push(secret);
  }
  const key = await api.call(owner.token, {
    method: "POST",
    url: `/v1/tenants/${owner.tenantId}/api-keys`,
    payload: { name: "write-only", scopes: ["write"] },
  });
  const writeKey = key.json().key as string;
  secrets.push(writeKey.slice("tsk_".length + 13)); // after `tsk_<12 hex>_`; base64url may hold "_" itself
  const viewer = await api.memberOf(owner.tenantId, "viewer");
  const foreign = await api.ownerWithTenant("Foreign Ltd");
  const foreignAdmin = await api.memberOf(foreign.tenantId, "admin");
  callers.push(
    { role: "viewer", token: viewer.token, audiences: ["tenant", "user"] },
    { role: "write-scoped API key", token: writeKey, audiences: ["tenant", "user"] },
    { role: "foreign tenant's admin", token: foreignAdmin.token, audiences: ["tenant"] },
    { role: "owner", token: owner.token, audiences: ["tenant"] },
    { role: "portal service", token: await api.serviceToken(), audiences: ["service"] },
  );
});
afterAll(() => api.close());

async function fingerprint(): Promise<string> {
  const p = api.prisma;
  const rows = await Promise.all([
    p.tenant.findMany({ orderBy: { id: "asc" } }),
    p.portalUser.findMany({
      orderBy: { id: "asc" },
      select: { id: true, email: true, name: true, entraObjectId: true },
    }),
    p.membership.findMany({ orderBy: [{ tenantId: "asc" }, { portalUserId: "asc" }] }),
    p.groupMapping.findMany({ orderBy: { id: "asc" } }),
    p.syncRun.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true } }),
    p.apiKey.findMany({ orderBy: { id: "asc" }, select: { id: true, revokedAt: true, scopes: true } }),
    p.auditEvent.count(),
    p.rescueConnection.findMany({ orderBy: { tenantId: "asc" } }),
    p.entraConnection.findMany({ orderBy: { tenantId: "asc" } }),
  ]);
  return JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

function typeOf(schema: JsonSchema | undefined): string | undefined {
  if (!schema) return undefined;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  return type ?? schema.anyOf?.map(typeOf).find((t) => t && t !== "null");
}

const NUL = "\u0000";
/** Query and path values: text, so numbers arrive as strings too. */
const TEXT_VALUES = [
  NUL,
  `a${NUL}b`,
  "-1",
  "-99999999999999999999",
  "99999999999999999999",
  "9223372036854775808",
  "1e400",
  "NaN",
  "1.5",
  "a".repeat(5000),
  "[]",
];
/** Body values of every JSON type, whatever the field expects. */
const BODY_VALUES: unknown[] = [
  NUL,
  `x${NUL}`,
  [NUL],
  { [NUL]: 1 },
  -1,
  -1e308,
  1e308,
  2 ** 64,
  9_223_372_036_854_775_807n.toString(),
  0.5,
  "a".repeat(20_000),
  true,
  [],
  {},
  null,
  [1, "two", { three: 3 }],
];

interface Probe {
  what: string;
  url: string;
  payload: unknown;
  /** A NUL in a field: refused with 400 naming the field. */
  nulIn?: string;
}

function probesOf(op: Operation): Probe[] {
  const probes: Probe[] = [];
  const url = fillPath(op, ids);
  const body = validBody(op);
  for (const param of op.pathParams) {
    for (const value of TEXT_VALUES) {
      probes.push({
        what: `params.${param}=${JSON.stringify(value.slice(0, 24))}`,
        url: fillPath(op, { ...ids, [param]: encodeURIComponent(value) }),
        payload: body,
        ...(value.includes(NUL) ? { nulIn: `params.${param}` } : {}),
      });
    }
  }
  for (const { name } of op.queryParams) {
    for (const value of TEXT_VALUES) {
      probes.push({
        what: `query.${name}=${JSON.stringify(value.slice(0, 24))}`,
        url: `${url}?${name}=${encodeURIComponent(value)}`,
        payload: body,
        ...(value.includes(NUL) ? { nulIn: `query.${name}` } : {}),
      });
    }
    probes.push({ what: `query.${name} twice`, url: `${url}?${name}=1&${name}=2`, payload: body });
  }
  if (op.bodySchema) {
    for (const field of Object.keys(op.bodySchema.properties ?? {})) {
      for (const value of BODY_VALUES) {
        const nul = JSON.stringify(value).includes("\\u0000");
        probes.push({
          what: `body.${field}=${JSON.stringify(value)?.slice(0, 24)}`,
          url,
          payload: { ...body, [field]: value },
          ...(nul ? { nulIn: `body.${field}` } : {}),
        });
      }
    }
    probes.push({ what: "body with a NUL key", url, payload: { ...body, [`sneaky${NUL}`]: 1 }, nulIn: "body.sneaky" });
    probes.push({ what: "body as a string", url, payload: JSON.stringify("just text") });
    probes.push({ what: "body as a number", url, payload: "1e400" }); // raw JSON text: a number no double holds
    if (typeOf(op.bodySchema) === "object") probes.push({ what: "body nested deep", url, payload: deepBody(200) });
  }
  return probes;
}

function deepBody(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: NUL };
  for (let i = 0; i < depth; i++) value = { nested: value };
  return value;
}

describe("fuzzing every route as an attacker", () => {
  test("no 500, no reflected secret, and a refused request changes nothing", async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const caller of callers) {
      for (const op of operations.filter((o) => caller.audiences.includes(o.audience))) {
        if (op.path.endsWith("/events")) continue; // a stream that stays open; its inputs are the path only
        const before = await fingerprint();
        let allRefused = true;
        for (const probe of probesOf(op)) {
          const res = await api.call(caller.token, {
            method: op.method,
            url: probe.url,
            ...(probe.payload === undefined
              ? {}
              : typeof probe.payload === "string"
                ? { payload: probe.payload, headers: { "content-type": "application/json" } }
                : { payload: probe.payload as Record<string, unknown> }),
          });
          sent++;
          const where = `${caller.role}: ${op.method} ${op.path} ${probe.what}`;
          const reply = res.body;
          const error = res.statusCode >= 400 ? (res.json() as { error?: string; message?: string }) : {};
          const upstream = error.error === "upstream_error" || error.error === "upstream_unavailable";
          if (res.statusCode >= 500 && !upstream) failures.push(`${where} → ${res.statusCode} ${reply.slice(0, 200)}`);
          for (const secret of secrets) if (reply.includes(secret)) failures.push(`${where} → reflects a secret`);
          if (probe.nulIn && !(res.statusCode === 400 && error.message?.includes(probe.nulIn))) {
            failures.push(`${where} → ${res.statusCode} ${error.message ?? ""} (a NUL should be a 400 naming it)`);
          }
          if (res.statusCode < 400) allRefused = false;
        }
        if (allRefused && (await fingerprint()) !== before) {
          failures.push(`${caller.role}: ${op.method} ${op.path} → refused every probe but changed data`);
        }
      }
    }
    console.log(`fuzz: ${sent} requests, ${failures.length} failures`);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(2000);
  });
});

describe("cursors past PostgreSQL's bigint", () => {
  test("are a 400 naming query.cursor on the log, run log and audit lists; the largest bigint is a cursor", async () => {
    const owner = callers.find((c) => c.role === "owner")!;
    const lists = [
      `/v1/tenants/${ids.tenantId}/logs`,
      `/v1/tenants/${ids.tenantId}/audit-events`,
      `/v1/tenants/${ids.tenantId}/runs/${ids.runId}/log`,
    ];
    for (const list of lists) {
      for (const cursor of ["9223372036854775808", "9999999999999999999"]) {
        const res = await api.call(owner.token, { method: "GET", url: `${list}?cursor=${cursor}` });
        expect({ list, cursor, status: res.statusCode }).toEqual({ list, cursor, status: 400 });
        expect(res.json().message).toContain("query.cursor");
      }
      const largest = await api.call(owner.token, { method: "GET", url: `${list}?cursor=9223372036854775807` });
      expect({ list, status: largest.statusCode }).toEqual({ list, status: 200 });
    }
  });
});
