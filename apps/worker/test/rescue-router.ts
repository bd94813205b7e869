// A server has one Rescue emulator URL (RESCUE_EMULATOR_URL), but the worker's tests give every tenant a Rescue
// emulator of its own. This router is that one URL: it forwards each call to the tenant's emulator, found by the
// credentials the call carries (authcode, or the login email) or by the session cookie that emulator set.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface RescueRouter {
  url: string;
  /** Routes calls made with this API token or login email to `emulatorUrl`. */
  route(credentials: { apiToken: string; email: string }, emulatorUrl: string): void;
  /** Calls forwarded to this emulator so far. */
  callsTo(emulatorUrl: string): number;
  close(): Promise<void>;
}

export async function startRescueRouter(): Promise<RescueRouter> {
  const byCredential = new Map<string, string>();
  const byCookie = new Map<string, string>();
  const calls = new Map<string, number>();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const form = new URLSearchParams(body.toString("utf8"));
    const cookies = (request.headers.cookie ?? "").split(/;\s*/).filter(Boolean);
    const target =
      byCredential.get(`token:${form.get("authcode") ?? ""}`) ??
      byCredential.get(`email:${(form.get("email") ?? "").toLowerCase()}`) ??
      cookies.map((cookie) => byCookie.get(cookie)).find((url) => url !== undefined);
    if (!target) {
      response.writeHead(200, { "content-type": "text/plain" }).end("NOTLOGGEDIN");
      return;
    }
    calls.set(target, (calls.get(target) ?? 0) + 1);
    try {
      const upstream = await fetch(`${target}${request.url}`, {
        method: request.method ?? "POST",
        headers: {
          ...(request.headers["content-type"] ? { "content-type": request.headers["content-type"] } : {}),
          ...(request.headers.cookie ? { cookie: request.headers.cookie } : {}),
        },
        ...(request.method === "POST" ? { body } : {}),
      });
      const setCookies = upstream.headers.getSetCookie();
      for (const header of setCookies) {
        const pair = /^\s*([^=;\s]+=[^;]*)/.exec(header)?.[1];
        if (pair) byCookie.set(pair, target);
      }
      const headers: Record<string, string | string[]> = {};
      for (const name of ["content-type", "retry-after"]) {
        const value = upstream.headers.get(name);
        if (value) headers[name] = value;
      }
      if (setCookies.length > 0) headers["set-cookie"] = setCookies;
      response.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      response.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    route(credentials, emulatorUrl) {
      byCredential.set(`token:${credentials.apiToken}`, emulatorUrl);
      byCredential.set(`email:${credentials.email.toLowerCase()}`, emulatorUrl);
    },
    callsTo: (emulatorUrl) => calls.get(emulatorUrl) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
