import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { addressRefusal, createOutboundFetch, isOutboundRefusal, type Resolve } from "./outbound-policy";

/** A local listener that records every request it receives; `hang` accepts and never answers. */
async function listener(answer: "ok" | "hang" | { redirectTo: string }) {
  const received: string[] = [];
  let connections = 0;
  const server: Server = createServer((request: IncomingMessage, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      received.push(`${request.method} ${request.url} ${body}`);
      if (answer === "hang") return;
      if (answer === "ok") {
        response.end("OK");
        return;
      }
      response.writeHead(302, { location: answer.redirectTo }).end();
    });
  });
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    received,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const refused = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("the request was not refused");
    },
    (error: unknown) => {
      expect(isOutboundRefusal(error)).toBe(true);
      return error;
    },
  );

describe("addressRefusal", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.254", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "metadata"],
    ["169.254.10.10", "linkLocal"],
    ["fd00:ec2::254", "metadata"],
    ["fe80::1", "linkLocal"],
    ["fc00::1", "uniqueLocal"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["100.64.0.1", "carrierGradeNat"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "metadata"],
    ["224.0.0.1", "multicast"],
    ["2002:7f00:1::", "6to4"],
  ])("refuses %s (%s)", (address, why) => {
    expect(addressRefusal(address)).toContain(why);
  });

  it.each(["20.190.151.68", "40.126.32.134", "2603:1036:3000::1", "172.32.0.1"])("allows public %s", (address) => {
    expect(addressRefusal(address)).toBeUndefined();
  });
});

describe("createOutboundFetch", () => {
  it("refuses a host whose DNS answer is the metadata address, before connecting", async () => {
    const asked: string[] = [];
    const resolve: Resolve = async (host) => {
      asked.push(host);
      return [{ address: "169.254.169.254", family: 4 }];
    };
    const fetch = createOutboundFetch({ allowedOrigins: ["https://login.example.test"], resolve });
    const error = await refused(fetch("https://login.example.test/token"));
    expect(String((error as Error).cause ?? error)).toMatch(/metadata/);
    expect(asked).toEqual(["login.example.test"]);
  });

  it("refuses private and loopback literals without resolving or connecting", async () => {
    const resolve: Resolve = async () => {
      throw new Error("an IP literal must not be resolved");
    };
    for (const origin of ["http://10.0.0.5", "http://[::1]:8080", "http://169.254.169.254"]) {
      const fetch = createOutboundFetch({ allowedOrigins: [origin], resolve });
      await refused(fetch(`${origin}/latest/meta-data/`));
    }
  });

  it("refuses a name that rebinds to loopback: the local listener sees no connection", async () => {
    const target = await listener("ok");
    try {
      let calls = 0;
      // First answer public, then loopback: whichever the connection uses is checked at connect time.
      const resolve: Resolve = async () => {
        calls += 1;
        return [{ address: "127.0.0.1", family: 4 }];
      };
      const origin = `http://rebind.example.test:${target.port}`;
      const fetch = createOutboundFetch({ allowedOrigins: [origin], resolve });
      await refused(fetch(`${origin}/API/getHierarchy_v2.aspx`, { method: "POST", body: "authcode=secret" }));
      expect(calls).toBe(1);
      expect(target.connections()).toBe(0);
    } finally {
      await target.close();
    }
  });

  it("refuses a host with any non-public answer even when another answer is public", async () => {
    const resolve: Resolve = async () => [
      { address: "20.190.151.68", family: 4 },
      { address: "10.0.0.7", family: 4 },
    ];
    const fetch = createOutboundFetch({ allowedOrigins: ["https://mixed.example.test"], resolve });
    await refused(fetch("https://mixed.example.test/"));
  });

  it("sends nothing to an origin other than the destination's (path tricks included)", async () => {
    const target = await listener("ok");
    try {
      const fetch = createOutboundFetch({ allowedOrigins: ["https://secure.logmeinrescue.com"] });
      await refused(fetch(`${target.origin}/#/API/login.aspx`));
      await refused(fetch(`https://secure.logmeinrescue.com@127.0.0.1:${target.port}/`));
      expect(target.connections()).toBe(0);
    } finally {
      await target.close();
    }
  });

  it("reaches the operator's emulator on loopback, and follows no redirect", async () => {
    const elsewhere = await listener("ok");
    const emulator = await listener({ redirectTo: `${elsewhere.origin}/stolen` });
    try {
      const fetch = createOutboundFetch({ allowedOrigins: [emulator.origin], allowPrivateAddresses: true });
      const response = await fetch(`${emulator.origin}/API/login.aspx`, { method: "POST", body: "password=x" });
      expect(response.status).toBe(302);
      expect(emulator.received).toEqual(["POST /API/login.aspx password=x"]);
      expect(elsewhere.connections()).toBe(0);
    } finally {
      await Promise.all([elsewhere.close(), emulator.close()]);
    }
  });

  it("ends a request to a listener that never answers within the total timeout", async () => {
    const silent = await listener("hang");
    try {
      const fetch = createOutboundFetch({
        allowedOrigins: [silent.origin],
        allowPrivateAddresses: true,
        totalTimeoutMs: 300,
      });
      const started = Date.now();
      await expect(fetch(`${silent.origin}/v1.0/groups`)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3000);
      expect(silent.received).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });
});
