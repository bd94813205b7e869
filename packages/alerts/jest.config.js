module.exports = require("@techsync/jest-presets/node")({ rootDir: __dirname });
