// forceExit: a failed worker test can leave a BullMQ connection of its child processes open; the suite must
// then fail, not hang until CI's time limit.
module.exports = { ...require("@techsync/jest-presets/node")({ rootDir: __dirname }), forceExit: true };
