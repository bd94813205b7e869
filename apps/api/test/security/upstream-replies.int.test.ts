// An odd upstream reply is a clear message, never a 500: here the operator's "Graph" emulator address answers
// JSON of another shape (a proxy, a captive portal, another API) behind the Entra group picker. Tenants cannot
// point a connection anywhere themselves, so the odd server stands where the server's configuration says Graph is.
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { loadOrCreateCertificates } from "@techsync/emulators/graph";
import { type ApiHarness, startApiHarness } from "../api-harness";
import { SANDBOX_ENTRA_BODY } from "../sandbox-connections";

let api: ApiHarness;
let notGraph: Server;
/** What the server that is not Graph answers next (its token endpoint answers like Entra's). */
let reply: unknown = {};

beforeAll(async () => {
  const certificates = await loadOrCreateCertificates();
  notGraph = createServer({ cert: certificates.certPem, key: certificates.keyPem }, (request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    if (request.url?.includes("/oauth2/v2.0/token")) {
      response.end(
        JSON.stringify({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: "x.y.z" }),
      );
      return;
    }
    response.end(JSON.stringify(reply));
  });
  await new Promise<void>((resolve) => notGraph.listen(0, "127.0.0.1", resolve));
  const notGraphUrl = `https://127.0.0.1:${(notGraph.address() as AddressInfo).port}`;
  api = await startApiHarness({
    outbound: { emulators: { graphUrl: notGraphUrl }, graphEmulatorCa: certificates.caCertPem },
  });
});
afterAll(async () => {
  await api.close();
  await new Promise((resolve) => notGraph.close(resolve));
});

test("the Entra group picker names a reply that is not a Graph group list, for every odd shape", async () => {
  const owner = await api.ownerWithTenant("Odd Graph Ltd", { sandbox: true });
  const base = `/v1/tenants/${owner.tenantId}`;
  const set = await api.call(owner.token, {
    method: "PUT",
    url: `${base}/entra-connection`,
    payload: SANDBOX_ENTRA_BODY,
  });
  expect(set.statusCode).toBe(200);
  const shapes: unknown[] = [
    { hello: "world" },
    { value: "not a list" },
    { value: [{ unexpected: true }] },
    { value: [null] },
    { value: [{ id: 42, displayName: ["x"] }] },
    [],
    "just a string",
  ];
  for (const shape of shapes) {
    reply = shape;
    const res = await api.call(owner.token, { method: "GET", url: `${base}/pickers/entra-groups?search=help` });
    expect({ shape, status: res.statusCode }).toEqual({ shape, status: 502 });
    expect(res.json()).toMatchObject({ error: "upstream_error", message: expect.stringMatching(/^Entra: /) });
    // Nothing of the odd reply is repeated to the tenant.
    expect(res.body).not.toMatch(/hello|world|unexpected|just a string/);
  }
});
