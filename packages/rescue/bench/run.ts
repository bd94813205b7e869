// `npm run bench -w @techsync/rescue`: create 10,000 technicians across 20 groups, then read the tree, against the
// Rescue emulator at 25 ms per call: on the confirmed path (createUser + setUser_v2), on the learned bulk path
// (createUsers), and when bulk is refused on its first batch. The emulator and each scenario run in their own processes, so the peak RSS
// is the client's. Prints a table and writes JSON to bench/results/. Not a test: nothing here fails on slowness.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { RescueBehaviourInput, RescueFaultsInput } from "@techsync/emulators/rescue";
import { benchOrganisation } from "./bench-organisation";

const run = promisify(execFile);
const TSX = ["--import", "tsx", "--conditions=@techsync/source"];
const LATENCY_MS = 25;

interface Scenario {
  name: string;
  technicians: number;
  /** What the client starts knowing about createUsers. */
  bulkCreate: "unknown" | "available" | "unavailable";
  /** Whether the emulated Rescue takes createUsers. */
  createUsers: RescueBehaviourInput["createUsers"];
  faults: RescueFaultsInput;
}

const scenarios: Scenario[] = [
  {
    name: "(a) confirmed path: createUser + setUser_v2",
    technicians: 10_000,
    bulkCreate: "unavailable",
    createUsers: "http500",
    faults: {},
  },
  {
    name: "(b) learned bulk path: createUsers",
    technicians: 10_000,
    bulkCreate: "available",
    createUsers: "enabled",
    faults: {},
  },
  {
    name: "(c) bulk refused on its first batch (HTTP 500)",
    technicians: 10_000,
    bulkCreate: "unknown",
    createUsers: "http500",
    faults: {},
  },
  {
    name: "(d) learned bulk, 5% ERROR + 5% lost replies",
    technicians: 10_000,
    bulkCreate: "available",
    createUsers: "enabled",
    faults: { errorRate: 0.05, lostReplyRate: 0.05, methods: ["createUsers"], seed: 2026 },
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
  // `npm run bench -w @techsync/rescue -- a c` runs only the scenarios named (a) and (c).
  const only = process.argv.slice(2).map((letter) => `(${letter})`);
  try {
    for (const scenario of scenarios.filter((s) => only.length === 0 || only.some((o) => s.name.startsWith(o)))) {
      await admin(url, "seed", benchOrganisation());
      await admin(url, "faults", { ...scenario.faults, latencyMs: LATENCY_MS });
      await admin(url, "behaviour", { createUsers: scenario.createUsers });
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
        createCpuMs: number;
        treeMs: number;
        startRssMb: number;
        peakRssMb: number;
        bulkCreate: string;
      };
      // The minimum: createUsers POSTs of at most 111 users (1,000 form keys with authcode), or createUser +
      // setUser_v2 per technician; plus one tree read.
      const minimum =
        scenario.bulkCreate === "available"
          ? Math.ceil(scenario.technicians / 111) + 1
          : scenario.technicians * 2 + 1 + (scenario.bulkCreate === "unknown" ? 2 : 0);
      rows.push({
        scenario: scenario.name,
        ...result,
        minimumCalls: minimum,
        extraCalls: result.calls - minimum,
        callsPerMinimum: result.calls / minimum,
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
      "calls/min": r.callsPerMinimum.toFixed(2),
      learned: r.bulkCreate,
      "create s": (r.createMs / 1000).toFixed(2),
      "client CPU s": (r.createCpuMs / 1000).toFixed(2),
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
