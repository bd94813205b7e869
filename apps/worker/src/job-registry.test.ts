import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import pino from "pino";
import { z } from "zod";
import { createJobProcessor, createJobRegistry, defineJob } from "./job-registry";

const jobOf = (name: string, data: unknown) => ({ name, data, id: "1" }) as unknown as Job;

describe("job registry", () => {
  const seen: unknown[] = [];
  const registry = createJobRegistry([
    defineJob({
      name: "greet",
      schema: z.object({ who: z.string() }),
      handler: async (payload) => {
        seen.push(payload);
        return `hello ${payload.who}`;
      },
    }),
  ]);
  const process = createJobProcessor(registry, pino({ level: "silent" }), new AbortController().signal);

  test("a job's payload is parsed by its schema before its handler sees it", async () => {
    expect(await process(jobOf("greet", { who: "Ada", extra: 1 }))).toBe("hello Ada");
    expect(seen).toEqual([{ who: "Ada" }]);
  });

  test("an unknown job name is completed (resolves), never retried", async () => {
    await expect(process(jobOf("no-such-job", {}))).resolves.toBeUndefined();
  });

  test("a payload that does not parse fails for good: UnrecoverableError, not a retry", async () => {
    await expect(process(jobOf("greet", { who: 42 }))).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
