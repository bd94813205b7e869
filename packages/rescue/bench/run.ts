// `npm run bench -w @techsync/rescue`: create 10,000 technicians across 20 groups, then read the tree, against the
// Rescue emulator at 25 ms per call. The emulator and each scenario run in their own processes, so the peak RSS
// is the client's. Prints a table and writes JSON to bench/results/. Not a test: nothing here fails on slowness.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { RescueFaultsInput } from "@techsync/emulators/rescue";
import { benchOrganisation } from "./bench-organisation";

const run = promisify(execFile);
const TSX = ["--import", "tsx", "--conditions=@techsync/source"];
const LATENCY_MS = 25;

interface Scenario {
  name: string;
  technicians: number;
  mode: "bulk" | "single";
  createBatchSize: number;
  concurrency: number;
  faults: RescueFaultsInput;
}

const scenarios: Scenario[] = [
  {
    name: "createUsers, 500/call",
    technicians: 10_000,
    mode: "bulk",
    createBatchSize: 500,
    concurrency: 4,
    faults: {},
  },
  {
    name: "createUsers, 1000/call",
    technicians: 10_000,
    mode: "bulk",
    createBatchSize: 1000,
    concurrency: 4,
    faults: {},
  },
  {
    name: "createUsers, 500/call, 5% ERROR + 5% lost replies",
    technicians: 10_000,
    mode: "bulk",
    createBatchSize: 500,
    concurrency: 4,
    faults: { errorRate: 0.05, lostReplyRate: 0.05, seed: 2026 },
  },
  {
    name: "createUser + setUser_v2 (not MA)",
    technicians: 1_000,
    mode: "single",
    createBatchSize: 500,
    concurrency: 4,
    faults: {},
  },
];

function startEmulator(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...TSX, join(__dirname, "rescue-emulator-process.ts")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      const match = /LISTENING (\S+)/.exec(chunk.toString());
      if (match) resolve({ url: match[1]!, child });
    });
  });
}

async function admin(url: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}/_emulator/rescue/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
}

async function main() {
  const { url, child } = await startEmulator();
  const rows = [];
  try {
    for (const scenario of scenarios) {
      await admin(url, "seed", benchOrganisation());
      await admin(url, "faults", { ...scenario.faults, latencyMs: LATENCY_MS });
      const started = performance.now();
      const { stdout } = await run(
        process.execPath,
        [...TSX, join(__dirname, "client-scenario.ts"), JSON.stringify({ url, ...scenario })],
        { maxBuffer: 16 * 1024 * 1024 },
      );
      const wallMs = performance.now() - started;
      const result = JSON.parse(stdout.trim().split("\n").pop()!) as {
        created: number;
        failed: number;
        techniciansInTree: number;
        duplicates: number;
        calls: number;
        callsByMethod: Record<string, number>;
        createMs: number;
        treeMs: number;
        startRssMb: number;
        peakRssMb: number;
      };
      // The minimum: one createUsers per chunk (or createUser + setUser_v2 per technician) plus one tree read.
      const minimum =
        scenario.mode === "bulk"
          ? Math.ceil(scenario.technicians / scenario.createBatchSize) + 1
          : scenario.technicians * 2 + 1;
      rows.push({
        scenario: scenario.name,
        ...result,
        minimumCalls: minimum,
        extraCalls: result.calls - minimum,
        processWallMs: wallMs,
      });
    }
  } finally {
    child.kill("SIGTERM");
  }

  console.log(
    `Rescue client benchmark: emulator at ${LATENCY_MS} ms per call, 20 groups (${cpus().length} CPUs, Node ${process.version})`,
  );
  console.table(
    rows.map((r) => ({
      scenario: r.scenario,
      created: `${r.created}/${r.created + r.failed}`,
      "in tree": r.techniciansInTree,
      dups: r.duplicates,
      calls: r.calls,
      minimum: r.minimumCalls,
      "extra calls": r.extraCalls,
      "create s": (r.createMs / 1000).toFixed(2),
      "tree read s": (r.treeMs / 1000).toFixed(2),
      "RSS at start MB": r.startRssMb.toFixed(0),
      "peak RSS MB": r.peakRssMb.toFixed(0),
    })),
  );
  const resultsDir = join(__dirname, "results");
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `rescue-bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), latencyMs: LATENCY_MS, node: process.version, cpus: cpus().length, rows }, null, 2)}\n`,
  );
  console.log(`written ${file}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
