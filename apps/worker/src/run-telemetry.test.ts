import { Registry } from "prom-client";
import { RunTelemetryCollector } from "./run-telemetry";
import { createWorkerMetrics } from "./worker-metrics";

function collector() {
  const lines: { message: string; context?: Record<string, unknown> }[] = [];
  const recorder = {
    log: (_level: string, message: string, context?: Record<string, unknown>) =>
      lines.push({ message, ...(context ? { context } : {}) }),
  };
  return { lines, telemetry: new RunTelemetryCollector(recorder, createWorkerMetrics(new Registry())) };
}

describe("back-offs in the run log", () => {
  it("logs the first 25 back-offs of a system one by one, then a summary every 25 more, so a long wait stays visible", () => {
    const { lines, telemetry } = collector();
    for (let i = 0; i < 100; i += 1) telemetry.noteBackoff("rescue", 2000);
    const single = lines.filter((line) => line.message.startsWith("LogMeIn Rescue call failed transiently"));
    const summaries = lines.filter((line) => line.message.startsWith("LogMeIn Rescue still failing transiently"));
    expect(single).toHaveLength(25);
    expect(summaries.map((line) => line.context?.retries)).toEqual([50, 75, 100]);
    expect(summaries.at(-1)?.context?.waitedSeconds).toBe(200);
  });

  it("counts each system on its own", () => {
    const { lines, telemetry } = collector();
    for (let i = 0; i < 25; i += 1) telemetry.noteBackoff("rescue", 10);
    telemetry.noteBackoff("entra", 10);
    expect(lines.filter((line) => line.message.startsWith("Microsoft Graph call failed transiently"))).toHaveLength(1);
  });
});
