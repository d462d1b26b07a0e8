// Starts nothing: mocha's spec reporter plus the run's counts, written as JSON to HARNESS_STATS_FILE, so `npm test` (jobs.ts) totals its unit and size phases without parsing text.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file: mocha loads reporters with require() */
const fs = require('node:fs');
const { reporters, Runner } = require('mocha');

module.exports = class StatsReporter extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      if (process.env.HARNESS_STATS_FILE) fs.writeFileSync(process.env.HARNESS_STATS_FILE, JSON.stringify({ passed: passes, failed: failures, pending }));
    });
  }
};
