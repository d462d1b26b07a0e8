// The emulator's command line (bundled as dist/emulator.js): parses the
// arguments, starts the server, prints where it listens, and shuts down
// cleanly on SIGINT / SIGTERM.
import { isLoopbackHost } from '../protocol/handshake';
import { CliUsageError, USAGE, parseCliArgs } from './cliArgs';
import { DEMO_USER, PLAYER_USER } from './seed';
import { EmulatorStartError, startEmulator } from './server';

async function main(): Promise<number> {
  let options;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof CliUsageError) {
      if (err.message) process.stderr.write(`${err.message}\n`);
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (!isLoopbackHost(options.host)) {
    process.stderr.write(`Warning: binding ${options.host}, which is not loopback; anyone who can reach it can use this emulator over plain HTTP.\n`);
  }
  let emulator;
  try {
    emulator = await startEmulator({
      host: options.host,
      port: options.port,
      seed: options.seed,
      statePath: options.statePath,
      log: options.verbose ? (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`) : undefined,
    });
  } catch (err) {
    if (err instanceof EmulatorStartError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  process.stdout.write(`Instamrkt emulator listening on ${emulator.url}\n`);
  if (options.seed === 'demo' && !options.statePath) {
    process.stdout.write(`Demo users: ${DEMO_USER.username} / ${DEMO_USER.password} (developer, id ${DEMO_USER.id}), ${PLAYER_USER.username} / ${PLAYER_USER.password} (id ${PLAYER_USER.id})\n`);
  } else if (options.seed === 'demo') {
    process.stdout.write(`Demo users (unless the state file says otherwise): ${DEMO_USER.username} / ${DEMO_USER.password}, ${PLAYER_USER.username} / ${PLAYER_USER.password}\n`);
  }
  const running = emulator;
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`Emulator failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
