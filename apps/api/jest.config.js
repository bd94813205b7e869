// Integration tests hash passwords and talk to Postgres, Redis and the emulators: on a busy shared machine
// their setup alone can pass jest's 5 s default.
module.exports = { ...require("@techsync/jest-presets/node")({ rootDir: __dirname }), testTimeout: 30_000 };
