// Jest as Stryker runs it: the unit tests only (sync-core has no int tests), and fewer property-test runs
// (SYNC_PROPERTY_RUNS, default 20 here) so that each mutant costs seconds on a small machine. `npm test` keeps
// fast-check's full default.
const path = require("node:path");
const base = require("../jest.config.js");

const unit = base.projects.find((project) => project.displayName === "unit");

module.exports = {
  ...unit,
  rootDir: path.resolve(__dirname, ".."),
  displayName: undefined,
  setupFiles: [path.join(__dirname, "fast-check-runs.js")],
};
