// `npm start` as a newcomer runs it (newcomer item 1 of issue 11): one
// emulator runs, the extension's own, and the tree shows its demo source;
// the settings hold no server address that is not used; Ctrl+C stops every
// process it started. The real command, in its own process group, opened in
// the e2e tier's browser.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir, repoRoot } from '../support/paths';
import { freePort, isListening } from '../support/processes';
import { useFixture } from './fixture';
import { Workbench, waitUntil } from './workbench';

const START_DIR = path.join(cacheDir, 'start');

/** The command lines of the emulators `npm start`'s VS Code started (their state file is under its user data). */
function startEmulators(): string[] {
  const lines: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const line = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (line.includes('emulator.js') && line.includes(START_DIR)) lines.push(`${pid}: ${line}`);
    } catch {
      // The process ended meanwhile.
    }
  }
  return lines;
}

describe('npm start (in the browser)', function () {
  this.timeout(420_000);
  const fixture = useFixture();

  it("runs one emulator, the extension's own, whose source the tree shows; the settings name no unused server; Ctrl+C stops everything", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(repoRoot, 'test', 'support', 'run.mjs'), 'start'], {
      cwd: repoRoot,
      env: { ...process.env, INSTAMRKT_PORT: String(port), FORCE_COLOR: '0' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const stop = () => {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGINT');
    };
    const page = await fixture().page.context().newPage();
    try {
      await waitUntil('npm start to say it is ready', 300_000, async () => /Ready in [\d.]+ s/.test(output) || child.exitCode !== null);
      assert.match(output, /Ready in/, `npm start said:\n${output}`);
      const url = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output.slice(output.indexOf('Ready in')))?.[1];
      assert.ok(url?.includes(`:${port}/`), `the URL on port ${port}: ${url}`);
      await page.goto(url ?? '');
      const wb = new Workbench(page);
      await wb.openViewContainer('Instamrkt');
      await wb.treeRow('Game Sources', 'demo.instamrkt.local', 90_000);

      assert.equal(startEmulators().length, 1, `one emulator: ${startEmulators().join(' | ')}`);
      const settings = JSON.parse(fs.readFileSync(path.join(START_DIR, 'user-data', 'User', 'settings.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(settings['instamrkt.startLocalEmulator'], true, 'the setting that says the extension runs its own emulator');
      assert.deepEqual(Object.keys(settings).filter((k) => /^instamrkt\.(serverUrl|restUrl)$/.test(k)), [], 'no server address that is not used');
    } finally {
      await page.close().catch(() => undefined);
      stop();
    }
    assert.equal(await exited, 130, `npm start ended as stopped by Ctrl+C (128 + SIGINT):\n${output.slice(-2000)}`);
    assert.match(output, new RegExp(`Stopped: nothing listens on port ${port} any more`));
    assert.equal(await isListening(port), false);
    await waitUntil('the emulator to end with it', 15_000, async () => startEmulators().length === 0);
  });
});
