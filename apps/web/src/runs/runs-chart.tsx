// The dashboard's chart of the last 30 runs: stacked bars of created, updated, disabled and failed.
// Plain SVG, drawn on the server.

import type { CSSProperties } from "react";
import type { RunSummary } from "../api/api-types";
import { formatWhen, runCount } from "./run-words";

export const chartSeries = [
  { key: "created", label: "Created", color: "#16a34a", value: (r: RunSummary) => runCount(r, "create") },
  { key: "updated", label: "Updated", color: "#2563eb", value: (r: RunSummary) => runCount(r, "update") },
  { key: "disabled", label: "Disabled", color: "#d97706", value: (r: RunSummary) => runCount(r, "disable") },
  { key: "failed", label: "Failed", color: "#dc2626", value: (r: RunSummary) => runCount(r, "failed") },
] as const;

const WIDTH = 640;
const HEIGHT = 180;
const AXIS = 28;

const SLOTS = 30;

/** Bars oldest → newest, the newest at the right edge; each bar's segments stack in series order. */
export function chartBars(runs: readonly RunSummary[]) {
  // Previews change nothing, so only real runs are drawn.
  const ordered = runs
    .filter((run) => !run.dryRun)
    .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt))
    .slice(-SLOTS);
  const totals = ordered.map((run) => chartSeries.reduce((sum, s) => sum + s.value(run), 0));
  const max = Math.max(1, ...totals);
  const slot = (WIDTH - AXIS) / SLOTS;
  const barWidth = slot * 0.7;
  const firstSlot = SLOTS - ordered.length;
  return {
    max,
    bars: ordered.map((run, index) => {
      let top = HEIGHT;
      const segments = chartSeries.map((series) => {
        const height = (series.value(run) / max) * (HEIGHT - 10);
        top -= height;
        return { key: series.key, color: series.color, y: top, height, value: series.value(run) };
      });
      return { run, x: AXIS + (firstSlot + index) * slot + (slot - barWidth) / 2, width: barWidth, segments };
    }),
  };
}

export function RunsChart({ runs }: { runs: readonly RunSummary[] }) {
  if (!runs.some((run) => !run.dryRun))
    return <p className="hint">No sync runs yet: the chart fills in as runs finish.</p>;
  const { max, bars } = chartBars(runs);
  return (
    <figure style={{ margin: 0 }}>
      <svg
        className="chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT + 20}`}
        width="100%"
        role="img"
        aria-labelledby="runs-chart-title"
        data-bars={bars.length}
      >
        <title id="runs-chart-title">{`Changes per run, last ${bars.length} run(s); the tallest bar is ${max}.`}</title>
        <line x1={AXIS} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} stroke="#9ca3af" />
        <text x={0} y={12}>
          {max}
        </text>
        <text x={0} y={HEIGHT}>
          0
        </text>
        {bars.map((bar) => (
          <g key={bar.run.id} data-run-id={bar.run.id}>
            <title>
              {`${formatWhen(bar.run.queuedAt)}: ${bar.segments.map((s) => `${s.value} ${s.key}`).join(", ")}`}
            </title>
            {bar.segments.map((segment) =>
              segment.height > 0 ? (
                <rect
                  key={segment.key}
                  x={bar.x}
                  y={segment.y}
                  width={bar.width}
                  height={segment.height}
                  fill={segment.color}
                />
              ) : null,
            )}
            {bar.segments.every((s) => s.value === 0) ? (
              <rect x={bar.x} y={HEIGHT - 2} width={bar.width} height={2} fill="#9ca3af" />
            ) : null}
          </g>
        ))}
      </svg>
      <figcaption className="legend">
        {chartSeries.map((series) => (
          <span key={series.key} style={{ "--c": series.color } as CSSProperties}>
            {series.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
