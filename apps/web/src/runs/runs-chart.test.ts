import type { RunSummary } from "../api/api-types";
import { chartBars } from "./runs-chart";
import { runCounts } from "./test-run-counts";

const run = (id: string, queuedAt: string, counts: RunSummary["counts"]): RunSummary => ({
  id,
  status: "succeeded",
  dryRun: false,
  queuedAt,
  finishedAt: queuedAt,
  counts,
});

test("bars run oldest to newest, the newest at the right, stacked created/updated/disabled/failed", () => {
  const { max, bars } = chartBars([
    run("b", "2026-11-02T00:00:00Z", runCounts({ create: { succeeded: 1 }, update: { succeeded: 1 } })),
    run("a", "2026-11-01T00:00:00Z", runCounts({ create: { succeeded: 4, failed: 2 }, disable: { succeeded: 2 } })),
  ]);
  expect(bars.map((b) => b.run.id)).toEqual(["a", "b"]);
  expect(max).toBe(8);
  expect(bars[0]!.segments.map((s) => [s.key, s.value])).toEqual([
    ["created", 4],
    ["updated", 0],
    ["disabled", 2],
    ["failed", 2],
  ]);
  expect(bars[1]!.x).toBeGreaterThan(bars[0]!.x);
  expect(bars[1]!.x + bars[1]!.width).toBeGreaterThan(600);
});

test("only the last 30 runs are drawn", () => {
  const runs = Array.from({ length: 40 }, (_, i) =>
    run(`r${i}`, new Date(Date.UTC(2026, 0, 1, i)).toISOString(), runCounts({ create: { succeeded: i } })),
  );
  const { bars } = chartBars(runs);
  expect(bars).toHaveLength(30);
  expect(bars[0]!.run.id).toBe("r10");
});
