// Stryker copies the package into .stryker-tmp while it runs: keep jest (and its module map) out of that copy.
const ignoreStrykerSandbox = { modulePathIgnorePatterns: ["<rootDir>/.stryker-tmp/"] };

module.exports = require("@techsync/jest-presets/node")({
  rootDir: __dirname,
  unit: ignoreStrykerSandbox,
  int: ignoreStrykerSandbox,
});
