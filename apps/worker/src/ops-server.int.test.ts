import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { createOpsServer } from "./ops-server";

async function listen(healthy: () => boolean) {
  const registry = new Registry();
  const server = createOpsServer({ registry, isHealthy: healthy });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}` };
}

describe("worker operator endpoints", () => {
  test("/healthz is 200 while the worker takes jobs and 503 when it does not", async () => {
    let healthy = true;
    const { server, base } = await listen(() => healthy);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    healthy = false;
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    server.close();
  });

  test("/metrics serves the Prometheus text format; other paths are 404", async () => {
    const { server, base } = await listen(() => true);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    server.close();
  });
});
