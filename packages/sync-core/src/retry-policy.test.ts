import { type RetryDecision, RetryFailure, type RetryOptions, retryCall } from "./retry-policy";

const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };

/** A call that fails `failures` times with the given errors, then answers "ok"; it logs what happens, in order. */
function flaky(failures: unknown[], events: string[]) {
  return async (attempt: number) => {
    events.push(`try ${attempt}`);
    const error = failures.shift();
    if (error !== undefined) throw error;
    return "ok";
  };
}

function options(events: string[], overrides: Partial<RetryOptions> = {}): RetryOptions {
  return {
    policy,
    random: () => 0,
    sleep: async (ms) => {
      events.push(`sleep ${ms}`);
    },
    decide: (): RetryDecision => ({ kind: "retry" }),
    ...overrides,
  };
}

describe("retryCall: the one retry policy of TechSync", () => {
  it("waits the caller's jittered backoff between tries: half of it when the jitter is 0, doubling each time", async () => {
    const events: string[] = [];
    const result = await retryCall(flaky(["busy", "busy"], events), options(events));
    expect(result).toEqual({ value: "ok", attempts: 3 });
    expect(events).toEqual(["try 1", "sleep 50", "try 2", "sleep 100", "try 3"]);
  });

  it("runs beforeRetry after the wait and before the next try (a create checks whether its lost reply was applied)", async () => {
    const events: string[] = [];
    const beforeRetry = async () => {
      events.push("check");
    };
    await retryCall(flaky(["lost reply"], events), options(events, { beforeRetry }));
    expect(events).toEqual(["try 1", "sleep 50", "check", "try 2"]);
  });

  it("fails with the hook's error, and the tries so far, when beforeRetry fails", async () => {
    const events: string[] = [];
    const hookError = new Error("lookup failed");
    const beforeRetry = async () => {
      throw hookError;
    };
    const failure = retryCall(flaky(["lost reply"], events), options(events, { beforeRetry }));
    await expect(failure).rejects.toBeInstanceOf(RetryFailure);
    await expect(failure).rejects.toMatchObject({
      name: "RetryFailure",
      error: hookError,
      cause: hookError,
      message: "lookup failed",
      attempts: 1,
    });
    expect(events).toEqual(["try 1", "sleep 50"]);
  });

  it("fails with the error of a decision that could not be made (e.g. renewing the session was refused)", async () => {
    const events: string[] = [];
    const loginRefused = new Error("login refused");
    const failure = retryCall(
      flaky(["expired"], events),
      options(events, {
        decide: async () => {
          throw loginRefused;
        },
      }),
    );
    await expect(failure).rejects.toMatchObject({ error: loginRefused, attempts: 1 });
    expect(events).toEqual(["try 1"]);
  });

  it("'again' tries at once, without a wait and beyond the attempt limit (the failure was not the call's)", async () => {
    const events: string[] = [];
    const decisions: RetryDecision[] = [{ kind: "again" }];
    const result = await retryCall(
      flaky(["session expired"], events),
      options(events, { policy: { ...policy, maxAttempts: 1 }, decide: () => decisions.shift() ?? { kind: "stop" } }),
    );
    expect(result).toEqual({ value: "ok", attempts: 2 });
    expect(events).toEqual(["try 1", "try 2"]);
  });
});
