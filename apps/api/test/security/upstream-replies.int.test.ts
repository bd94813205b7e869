// An odd upstream reply is a clear message, never a 500: here a "Graph" address that answers JSON of
// another shape (a proxy, a captive portal, another API) behind the Entra group picker.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  type RunningGraphEmulator,
  startGraphEmulator,
} from "@techsync/emulators/graph";
import { type ApiHarness, startApiHarness } from "../api-harness";

let api: ApiHarness;
let graph: RunningGraphEmulator;
let notGraph: Server;
let notGraphUrl: string;
/** What the server that is not Graph answers next. */
let reply: unknown = {};

beforeAll(async () => {
  graph = await startGraphEmulator({ port: 0 });
  notGraph = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(reply));
  });
  await new Promise<void>((resolve) => notGraph.listen(0, "127.0.0.1", resolve));
  notGraphUrl = `http://127.0.0.1:${(notGraph.address() as AddressInfo).port}`;
  api = await startApiHarness({ graphCaPem: graph.caCertPem });
});
afterAll(async () => {
  await api.close();
  await graph.close();
  await new Promise((resolve) => notGraph.close(resolve));
});

test("the Entra group picker names a reply that is not a Graph group list, for every odd shape", async () => {
  const owner = await api.ownerWithTenant("Odd Graph Ltd");
  const base = `/v1/tenants/${owner.tenantId}`;
  const set = await api.call(owner.token, {
    method: "PUT",
    url: `${base}/entra-connection`,
    payload: {
      directoryId: DEMO_TENANT_ID,
      clientId: DEMO_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
      authorityHost: graph.url,
      graphBaseUrl: notGraphUrl,
    },
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
  }
});
