// StrykerJS configuration for `npm run test:mutation` (the mutation job of test/support/jobs.ts
// runs it under Node 24 with test/mutation/mochaShim.mjs preloaded).
//
// How mutated TypeScript reaches the tests: Stryker copies the project into a
// sandbox (.stryker-tmp/) with every mutant of the `mutate` files switched in
// at run time, runs `tsc -p .` there once (the instrumented files carry
// `// @ts-nocheck`), and the mocha runner runs the compiled unit tests of
// .mocharc.json from the sandbox's out/. perTest coverage means each mutant
// runs only the tests that reach its code.
//
// Equivalent mutants (a change no test can tell because no behaviour
// changes) count as "Ignored", outside the score, with the reason shown in
// the report. Two places mark them:
// - whole kinds, by the shape of the code: the ignorers of
//   test/mutation/ignorers.mjs, listed under `ignorers` below
//   (so far: debug-log-text, the message of a debug/trace log call);
// - one mutant: a comment in the source, with the reason,
//   // Stryker disable next-line <Mutator>: <why no behaviour changes>
//   (49 of them in 17 files so far: `grep -rn "Stryker disable" src`).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/protocol/**/*.ts',
    'src/sources/**/*.ts',
  ],
  appendPlugins: ['./test/mutation/ignorers.mjs'],
  ignorers: ['debug-log-text'],
  testRunner: 'mocha',
  mochaOptions: { config: '.mocharc.json' },
  buildCommand: 'tsc -p .',
  coverageAnalysis: 'perTest',
  // The machine has 2 cores, shared.
  concurrency: 2,
  // The initial run (every unit test, with per-test coverage) took 4 min 50 s on
  // a busy 2-core machine; Stryker's default limit of 5 min then failed a run.
  dryRunTimeoutMinutes: 20,
  // clear-text: the per-file score table on stdout; html: the report to read
  // (every mutant in its source); json: the same for scripts.
  reporters: ['clear-text', 'html', 'json', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Only the table: the survivors (hundreds for now) are in the reports.
  clearTextReporter: { allowColor: false, reportMutants: false, reportTests: false },
  // Not copied into the sandbox: build output (rebuilt there; a stale out/
  // could hold tests that no longer exist), caches, results.
  ignorePatterns: ['/out', '/dist', '/.vscode-test', '/test-results', '/reports', '*.vsix'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // No TypeScript checker by default: on src/sources/session.ts it made the run
  // 6.7 times slower (16.7 instead of 2.5 min; with 2 cores it takes one of
  // the two processes). Mutants that would not compile then run as plain
  // JavaScript and are killed or survive like any other. For a run that sets
  // them apart (status CompileError, outside the score), e.g. before marking
  // a survivor equivalent: npm run test:mutation -- --checkers typescript
  tsconfigFile: 'tsconfig.json',
};
