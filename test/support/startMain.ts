// `npm start`: builds the extension, starts the emulator with the demo seed
// (state kept under .vscode-test/start/), and serves VS Code (code-server)
// with the extension installed and pointed at the emulator; prints the URL to
// open. Ctrl+C stops everything.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startHarness } from './harness';
import { cacheDir, CODE_SERVER_VERSION, repoRoot } from './paths';
import { freePort, isListening, isShuttingDown, onShutdown } from './processes';

const PREFERRED_PORT = 8080;

export async function main(): Promise<number> {
  const started = Date.now();
  const startDir = path.join(cacheDir, 'start');
  fs.mkdirSync(startDir, { recursive: true });
  const port = await choosePort();
  console.log('Building the extension and starting VS Code with it…');
  const harness = await startHarness({
    kind: 'start',
    seed: 'demo',
    port,
    // Kept between starts, like a person's own VS Code profile and server.
    userDataDir: path.join(startDir, 'user-data'),
    emulatorStateFile: path.join(startDir, 'emulator-state.json'),
    // The extension starts its own bundled emulator and signs in as demo when it activates.
    settings: { 'instamrkt.startLocalEmulator': true },
  });
  onShutdown(async () => {
    await harness.stop();
    console.log(`Stopped: nothing listens on ports ${harness.codeServer.port} and ${harness.emulator.port} any more.`);
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
      `  Also running:        an emulator at ${harness.emulator.restUrl} (WebSocket ${harness.emulator.serverUrl}; state ${rel(harness.emulator.stateFile)}),`,
      '                       the configured server (instamrkt.serverUrl / restUrl) once "Stop Local Emulator" runs',
      '  Demo accounts:       demo / demo (developer), player / player',
      `  Logs:                ${rel(harness.runDir)}/ (code-server.log, emulator.log)`,
      '',
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );
  // Runs until Ctrl+C (the shutdown hook exits), or until a child dies.
  const ended = await Promise.race([harness.codeServer.child.exited.then((code) => `code-server exited (${code})`), harness.emulator.child.exited.then((code) => `the emulator exited (${code})`)]);
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
