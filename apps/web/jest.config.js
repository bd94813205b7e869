// Two layers, named:
//   unit: *.test.ts(x) next to the source; component tests opt into jsdom with a docblock;
//   e2e:  test/e2e/*.e2e.test.ts, the built portal in Debian's chromium (playwright-core) against a stub API.
const { swcTransform } = require("@techsync/jest-presets/node");

const shared = {
  rootDir: __dirname,
  transform: { "^.+\\.(t|j|mj|cj)sx?$": swcTransform },
  transformIgnorePatterns: ["node_modules/(?!(jose)/)"],
  moduleFileExtensions: ["ts", "tsx", "js", "mjs", "cjs", "json"],
  testPathIgnorePatterns: ["/node_modules/", "/.next/"],
  testEnvironmentOptions: { customExportConditions: ["@techsync/source", "node", "require", "default"] },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: "unit",
      testEnvironment: "node",
      testMatch: ["<rootDir>/src/**/*.test.{ts,tsx}", "<rootDir>/app/**/*.test.{ts,tsx}"],
    },
    {
      ...shared,
      displayName: "e2e",
      testEnvironment: "node",
      globalSetup: "<rootDir>/test/e2e/build-portal.js",
      testMatch: ["<rootDir>/test/e2e/**/*.e2e.test.ts"],
    },
  ],
};
