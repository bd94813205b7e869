// The chaos suite (npm run chaos; docs/chaos.md): real worker and API processes on a Redis of its own and a Postgres
// proxy, one scenario per file, one file at a time (each starts several processes on a machine with few cores).
// Not part of `npm test`: the preset's projects never match chaos/.
const preset = require("@techsync/jest-presets/node")({
  rootDir: __dirname,
  int: { displayName: "chaos", testMatch: ["<rootDir>/chaos/**/*.chaos.test.ts"] },
});

module.exports = {
  rootDir: __dirname,
  projects: preset.projects.filter((project) => project.displayName === "chaos"),
  maxWorkers: 1,
  // A scenario that failed may leave a connection of its child processes open: the run must end, not hang.
  forceExit: true,
};
