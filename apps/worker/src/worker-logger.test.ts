import { Writable } from "node:stream";
import { createWorkerLogger } from "./worker-logger";

function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createWorkerLogger({ level: "info", stream }), lines };
}

describe("the worker's logger", () => {
  test("redacts secret-shaped fields and keeps the rest of the line", () => {
    const { log, lines } = capturedLogger();
    log.info(
      {
        tenant: { id: "t-1", apiToken: "rescue-api-token-secret", password: "hunter2-secret" },
        entra: { clientSecret: "entra-client-secret" },
        invitation: { token: "invitation-token-secret" },
      },
      "settings loaded",
    );
    const text = lines.join("");
    for (const secret of [
      "rescue-api-token-secret",
      "hunter2-secret",
      "entra-client-secret",
      "invitation-token-secret",
    ]) {
      expect(text).not.toContain(secret);
    }
    const line = JSON.parse(lines[0] ?? "{}");
    expect(line.tenant).toEqual({ id: "t-1", apiToken: "[redacted]", password: "[redacted]" });
    expect(line.entra.clientSecret).toBe("[redacted]");
    expect(line.msg).toBe("settings loaded");
    expect(line.app).toBe("worker");
  });

  test("redacts an authorization header an error carries", () => {
    const { log, lines } = capturedLogger();
    log.error({ req: { headers: { authorization: "Bearer very-secret-bearer" } } }, "call failed");
    expect(lines.join("")).not.toContain("very-secret-bearer");
    expect(JSON.parse(lines[0] ?? "{}").req.headers.authorization).toBe("[redacted]");
  });
});
