// A local HTTP listener standing in for an attacker's or an internal service: it records every connection and
// request it gets, and answers as told (or never). Not a test file itself.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordingListener {
  url: string;
  port: number;
  /** Every request as "METHOD path body". */
  received: string[];
  connections(): number;
  close(): Promise<void>;
}

export async function startRecordingListener(
  answer: "hang" | { status?: number; contentType?: string; body: string },
): Promise<RecordingListener> {
  const received: string[] = [];
  let connections = 0;
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      received.push(`${request.method} ${request.url} ${body}`);
      if (answer === "hang") return;
      response.writeHead(answer.status ?? 200, { "content-type": answer.contentType ?? "text/plain" });
      response.end(answer.body);
    });
  });
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
