// A Postgres outage without touching the shared server: the worker and the API reach Postgres through this TCP
// proxy. "down" resets every proxied connection and every new one; "up" lets connections through again.
import { createConnection, createServer, type Socket } from "node:net";

export interface PostgresProxy {
  port: number;
  readonly up: boolean;
  /** The same database as `databaseUrl`, reached through the proxy. */
  urlFor(databaseUrl: string): string;
  down(): void;
  restore(): void;
  /** Connections open through the proxy now. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startPostgresProxy(target: { host: string; port: number }): Promise<PostgresProxy> {
  const open = new Set<Socket>();
  let up = true;
  const cut = (socket: Socket) => {
    // An RST, as when the server's host goes away, rather than a polite FIN.
    if (!socket.destroyed) socket.resetAndDestroy();
  };
  const server = createServer((client) => {
    client.on("error", () => {});
    if (!up) {
      cut(client);
      return;
    }
    const upstream = createConnection(target);
    upstream.on("error", () => {});
    open.add(client);
    open.add(upstream);
    const drop = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.once("close", drop);
    upstream.once("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    get up() {
      return up;
    },
    urlFor(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    down() {
      up = false;
      for (const socket of open) cut(socket);
      open.clear();
    },
    restore() {
      up = true;
    },
    openConnections: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        open.clear();
        server.close(() => resolve());
      }),
  };
}
