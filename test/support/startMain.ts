// `npm start`: builds the extension and serves VS Code (code-server) with it
// installed and set to start its bundled emulator (demo seed) and sign in as
// demo; prints the URL to open. One emulator runs, the extension's own, and
// the settings say so (no server address of ours is written into them).
// Ctrl+C stops everything.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startHarness } from './harness';
import { cacheDir, CODE_SERVER_VERSION, EXTENSION_ID, repoRoot } from './paths';
import { freePort, isListening, isShuttingDown, onShutdown } from './processes';

const PREFERRED_PORT = 8080;

export async function main(): Promise<number> {
  const started = Date.now();
  const startDir = path.join(cacheDir, 'start');
  fs.mkdirSync(startDir, { recursive: true });
  const port = await choosePort();
  console.log('Building the extension and starting VS Code with it…');
  // Kept between starts, like a person's own VS Code profile (the emulator's state lives in it).
  const userDataDir = path.join(startDir, 'user-data');
  const harness = await startHarness({
    kind: 'start',
    port,
    userDataDir,
    // The extension starts its own bundled emulator and signs in as demo when it activates.
    emulator: false,
    settings: { 'instamrkt.startLocalEmulator': true },
  });
  onShutdown(async () => {
    await harness.stop();
    console.log(`Stopped: nothing listens on port ${harness.codeServer.port} any more.`);
  });
  const response = await fetch(harness.codeServer.url);
  if (!response.ok) throw new Error(`code-server answered ${response.status} for ${harness.codeServer.url}`);

  const rel = (file: string): string => path.relative(repoRoot, file);
  console.log(
    [
      '',
      `Ready in ${((Date.now() - started) / 1000).toFixed(0)} s. Open VS Code (code-server ${CODE_SERVER_VERSION}) in your browser:`,
      '',
      `    ${harness.codeServer.url}`,
      '',
      '  Click "Instamrkt" in the activity bar: the extension starts its bundled emulator and signs in as the',
      '  demo developer (setting instamrkt.startLocalEmulator), so the Game Sources tree fills in within seconds.',
      '',
      '  The emulator:        the extension\'s own, the only one running; "Instamrkt: Show Log" says where it listens.',
      `                       State: ${rel(path.join(userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'emulator-state.json'))}`,
      '                       "Instamrkt: Stop Local Emulator" goes to instamrkt.serverUrl (default: the real server).',
      '  Demo accounts:       demo / demo (developer), player / player',
      `  Logs:                ${rel(harness.runDir)}/code-server.log, and the extension's in "Instamrkt: Show Log"`,
      '',
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );
  // Runs until Ctrl+C (the shutdown hook exits), or until code-server dies.
  const ended = await harness.codeServer.child.exited.then((code) => `code-server exited (${code})`);
  if (isShuttingDown()) return new Promise<number>(() => undefined); // the shutdown hook exits
  console.error(`${ended}; stopping.`);
  await harness.stop().catch((err: unknown) => console.error(String(err)));
  return 1;
}

async function choosePort(): Promise<number> {
  const fromEnv = Number(process.env.INSTAMRKT_PORT);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return (await isListening(PREFERRED_PORT)) ? freePort() : PREFERRED_PORT;
}
