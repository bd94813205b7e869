// Fewer runs per property test under Stryker (override with SYNC_PROPERTY_RUNS); `npm test` keeps 100.
process.env.SYNC_PROPERTY_RUNS ??= "20";
