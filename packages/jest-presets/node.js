// Shared jest config for every workspace. Two projects, so the test layer is named:
//   unit: *.test.ts next to the source, pure, no services;
//   int:  *.int.test.ts, real Postgres / Redis / emulators (each file gets its own database or prefix).
const path = require("node:path");

// ESM-only packages that jest's CommonJS runtime must have transformed.
const esmOnly = [
  "jose",
  "p-limit",
  "yocto-queue",
  "p-retry",
  "is-network-error",
  "fastify-type-provider-zod",
  "@prisma/client-runtime-utils",
  "cookie",
  "content-disposition",
];

const swcTransform = [
  "@swc/jest",
  {
    jsc: {
      parser: { syntax: "typescript", tsx: true },
      transform: { react: { runtime: "automatic" } },
      target: "es2022",
    },
    module: { type: "commonjs" },
    sourceMaps: "inline",
  },
];

function project(displayName, testMatch, testPathIgnorePatterns, extra) {
  return {
    displayName,
    testEnvironment: "node",
    testEnvironmentOptions: {
      // Run workspace packages from source (package.json "exports" condition), not from dist.
      customExportConditions: ["@techsync/source", "node", "require", "default"],
    },
    transform: { "^.+\\.(t|j|mj|cj)sx?$": swcTransform },
    transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join("|")})/)`],
    moduleFileExtensions: ["ts", "tsx", "js", "mjs", "cjs", "json"],
    // TypeScript sources (ours and Prisma's generated client) import "./x.js" meaning "./x.ts".
    moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
    testMatch,
    testPathIgnorePatterns: ["/node_modules/", "/dist/", ...testPathIgnorePatterns],
    ...extra,
  };
}

/** @param {{ rootDir: string, unit?: object, int?: object }} options */
module.exports = function nodePreset(options) {
  const rootDir = options.rootDir;
  return {
    rootDir,
    // Integration tests start emulators, hash passwords and wait out real Retry-After seconds: on a busy shared
    // machine that passes jest's 5 s default. Slowness is measured by the benchmarks, never failed by a test.
    testTimeout: 30_000,
    projects: [
      project("unit", ["<rootDir>/src/**/*.test.ts", "<rootDir>/test/**/*.test.ts"], ["\\.int\\.test\\.ts$"], {
        rootDir,
        ...options.unit,
      }),
      project("int", ["<rootDir>/src/**/*.int.test.ts", "<rootDir>/test/**/*.int.test.ts"], [], {
        rootDir,
        ...options.int,
      }),
    ],
  };
};
module.exports.swcTransform = swcTransform;
module.exports.root = path.resolve(__dirname, "../..");
