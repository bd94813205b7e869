import type { Redis } from "ioredis";
import { redisGate } from "./redis-gate";

describe("the Redis gate of the request-path counters", () => {
  test("open while the connection is ready; closed while it is not", () => {
    const connection: Pick<Redis, "status"> = { status: "ready" };
    const gate = redisGate(connection, 5000, () => 0);
    expect(gate.isOpen()).toBe(true);
    for (const status of ["connecting", "reconnecting", "end", "wait"] as const) {
      connection.status = status;
      expect({ status, open: gate.isOpen() }).toEqual({ status, open: false });
    }
  });

  test("a failed command closes it for the cool-down, then Redis is tried again", () => {
    let now = 1_000;
    const gate = redisGate({ status: "ready" }, 5000, () => now);
    gate.failed();
    now += 4_999;
    expect(gate.isOpen()).toBe(false);
    now += 1;
    expect(gate.isOpen()).toBe(true);
  });
});
