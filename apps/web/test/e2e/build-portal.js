// Jest globalSetup of the e2e project: one production build of the portal for every browser test file
// (files run in parallel and must not build into .next at the same time). E2E_SKIP_BUILD=1 reuses .next.
const { spawnSync } = require("node:child_process");
const path = require("node:path");

module.exports = async function buildPortal() {
  if (process.env.E2E_SKIP_BUILD === "1") return;
  const webRoot = path.resolve(__dirname, "../..");
  const nextBin = require.resolve("next/dist/bin/next", { paths: [webRoot] });
  const build = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: webRoot,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
};
