// Starts nothing: mocha's spec reporter plus the run's counts, written as JSON to HARNESS_STATS_FILE, so `npm test` (jobs.ts) totals its unit and size phases without parsing text.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file: mocha loads reporters with require() */
const fs = require('node:fs');
const mocha = require('mocha');

const { Spec } = mocha.reporters;
const { EVENT_RUN_END } = mocha.Runner.constants;

class StatsReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.HARNESS_STATS_FILE;
      const { passes, failures, pending } = runner.stats;
      if (file) fs.writeFileSync(file, JSON.stringify({ passed: passes, failed: failures, pending }));
    });
  }
}

module.exports = StatsReporter;
