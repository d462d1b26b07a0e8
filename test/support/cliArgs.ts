// Command-line options shared by the test runners.

/** `--grep <pattern>`: run only the tests whose full title matches (mocha's option). */
export function grepArgument(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--grep');
  return index >= 0 ? argv[index + 1] : undefined;
}
