// The emulator's command line (bundled as dist/emulator.js): parses the
// arguments, starts the server, prints where it listens, and shuts down
// cleanly on SIGINT / SIGTERM.
import { errorMessage, isLoopbackHost } from '../protocol';
import { CliHelpRequested, CliUsageError, HELP, parseCliArgs, readTlsFiles } from './cliArgs';
import { describeFaults } from './faults';
import { DEMO_USER, PLAYER_USER } from './seed';
import { EmulatorStartError, startEmulator } from './server';
import { readyLine } from './readyLine';

async function main(): Promise<number> {
  let options;
  let tls;
  try {
    options = parseCliArgs(process.argv.slice(2));
    tls = options.tls && readTlsFiles(options.tls);
  } catch (err) {
    if (err instanceof CliHelpRequested) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (err instanceof CliUsageError) {
      process.stderr.write(`${err.message}\n\n${HELP}\n`);
      return 2;
    }
    throw err;
  }
  // Listen for signals before anything is printed: whoever reads the listening line may stop us at once.
  const stopRequested = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  if (!isLoopbackHost(options.host)) {
    process.stderr.write(`Warning: binding ${options.host}, which is not loopback; anyone who can reach it can use this emulator${tls ? '' : ' over plain HTTP'}.\n`);
  }
  let emulator;
  try {
    emulator = await startEmulator({
      host: options.host,
      port: options.port,
      seed: options.seed,
      statePath: options.statePath,
      faults: options.faults,
      tls,
      log: options.verbose ? (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`) : undefined,
      onStateWriteError: (err) => process.stderr.write(`Could not write the state file (still serving; the next change retries): ${err.message}\n`),
    });
  } catch (err) {
    if (err instanceof EmulatorStartError) {
      // A certificate or key that cannot be used is the caller's mistake, like an unreadable file.
      process.stderr.write(`${err.message}\n`);
      return err.reason === 'tls' ? 2 : 1;
    }
    throw err;
  }
  process.stdout.write(`${readyLine(emulator.url)}\n`);
  for (const line of describeFaults(options.faults)) process.stdout.write(`${line}\n`);
  if (options.seed === 'demo' && !options.statePath) {
    process.stdout.write(`Demo users: ${DEMO_USER.username} / ${DEMO_USER.password} (developer, id ${DEMO_USER.id}), ${PLAYER_USER.username} / ${PLAYER_USER.password} (id ${PLAYER_USER.id})\n`);
  } else if (options.seed === 'demo') {
    process.stdout.write(`Demo users (unless the state file says otherwise): ${DEMO_USER.username} / ${DEMO_USER.password}, ${PLAYER_USER.username} / ${PLAYER_USER.password}\n`);
  }
  await stopRequested;
  await emulator.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`Emulator failed: ${errorMessage(err)}\n`);
    process.exit(1);
  },
);
