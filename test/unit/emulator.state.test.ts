// The --state file: a restart keeps sources, games and sessions; writes are
// atomic; a damaged file stops the start with a clear error and is left as is.
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EmulatorStartError, startEmulator } from '../../src/emulator/server';
import { RawClient, expectRefusedUpgrade, freshNonce, handshakeUrl, login } from './support/rawClient';
import { run, waitForLine } from './support/emulatorCli';

interface SourceDoc {
  id: string;
  name: string;
}

describe('emulator state file', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'emu-state-'));
    file = path.join(dir, 'state.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is created at start with the seed, readable only by its owner', async () => {
    const emu = await startEmulator({ port: 0, statePath: file, seed: 'empty' });
    await emu.close();
    const doc = JSON.parse(await readFile(file, 'utf8')) as { users: { username: string; passwordHash: string }[]; sources: unknown[] };
    assert.deepEqual(doc.users.map((u) => u.username).sort(), ['demo', 'player']);
    assert.deepEqual(doc.sources, []);
    assert.ok(!JSON.stringify(doc).includes('"password"'), 'passwords are stored hashed only');
    assert.equal((await stat(file)).mode & 0o077, 0);
  });

  it('keeps sources, games and sessions across a restart', async () => {
    const first = await startEmulator({ port: 0, statePath: file, seed: 'empty' });
    const session = await login(first.url, 'demo', 'demo');
    const c = await RawClient.connect(first.wsUrl, session);
    const opened = await c.request(365, { source_name: 'kept.example', description: 'survives restarts' });
    const game = await c.request(370, { source_id: opened.source_id, game_name: 'Kept game', type: 1, actions: ['a'], targets: ['x'] });
    assert.equal(game.res, 340);
    const usedNonce = freshNonce();
    const again = await RawClient.open(handshakeUrl(first.wsUrl, session, usedNonce));
    await again.close();
    await c.close();
    await first.close();

    const second = await startEmulator({ port: 0, statePath: file, seed: 'demo' });
    try {
      // The stored session key still opens a socket, without signing in again.
      const d = await RawClient.connect(second.wsUrl, session);
      const list = await d.request(611);
      assert.deepEqual(list.sources, [{ id: opened.source_id, name: 'kept.example', description: 'survives restarts' }]);
      const games = await d.request(380, { source_id: opened.source_id });
      assert.deepEqual((games.games as { game_id: string }[]).map((g) => g.game_id), [game.game_id]);
      // (611 above also shows the demo seed was not applied to an existing file.) Used nonces stay used:
      const refused = await expectRefusedUpgrade(handshakeUrl(second.wsUrl, session, usedNonce));
      assert.equal(refused.status, 401);
      await d.close();
    } finally {
      await second.close();
    }
  });

  it('writes atomically: no temp files are left and the file always parses', async () => {
    const emu = await startEmulator({ port: 0, statePath: file });
    const c = await RawClient.connect(emu.wsUrl, await login(emu.url, 'demo', 'demo'));
    for (let i = 0; i < 30; i++) c.send(365, { source_name: `s${i}.example` });
    for (let i = 0; i < 30; i++) {
      assert.equal((await c.next()).res, 335);
      JSON.parse(await readFile(file, 'utf8'));
    }
    await c.close();
    await emu.close();
    assert.deepEqual(await readdir(dir), ['state.json']);
    const doc = JSON.parse(await readFile(file, 'utf8')) as { sources: unknown[] };
    assert.equal(doc.sources.length, 31);
  });

  it('removes the temp files a killed write of ours left for this state file, and only those; the state loads whole', async () => {
    const first = await startEmulator({ port: 0, statePath: file, seed: 'empty' });
    const c = await RawClient.connect(first.wsUrl, await login(first.url, 'demo', 'demo'));
    const opened = await c.request(365, { source_name: 'kept.example' });
    await c.close();
    await first.close();
    const saved = await readFile(file, 'utf8');
    // What a kill -9 between open and rename leaves: a cut-off copy under our temp name.
    const ours = ['.state.json.4242.0badf00d.tmp', `.state.json.${process.pid}.12345678.tmp`];
    const notOurs = ['.state.json.tmp', '.other.json.4242.0badf00d.tmp', 'state.json.4242.0badf00d.tmp', '.state.json.4242.0badf00d.tmp.bak', '.state.jsonx.4242.0badf00d.tmp'];
    for (const name of [...ours, ...notOurs]) await writeFile(path.join(dir, name), saved.slice(0, saved.length / 2));

    const logged: string[] = [];
    const second = await startEmulator({ port: 0, statePath: file, seed: 'empty', log: (line) => logged.push(line) });
    try {
      assert.deepEqual((await readdir(dir)).sort(), [...notOurs, 'state.json'].sort());
      assert.ok(logged.includes('removed 2 temp file(s) left by an earlier run'), logged.join('\n'));
      const d = await RawClient.connect(second.wsUrl, await login(second.url, 'demo', 'demo'));
      assert.deepEqual((await d.request(611)).sources, [{ id: opened.source_id, name: 'kept.example', description: '' }]);
      await d.close();
    } finally {
      await second.close();
    }
  });

  it('after kill -9 of the CLI mid-writes, restarts with no temp file left and every change it had answered', async function () {
    this.timeout(60_000);
    const r = run(['--port', '0', '--seed', 'empty', '--state', file]);
    const answered: string[] = [];
    try {
      const [, url] = await waitForLine(r, /^Instamrkt emulator listening on (\S+)/);
      const c = await RawClient.connect(url.replace(/^http/, 'ws'), await login(url, 'demo', 'demo'));
      // Each open is written to the file before its reply: kill while writes are still queued,
      // the moment a temp file is seen (a blocking poll, so nothing else delays the kill).
      for (let i = 0; i < 400; i++) c.send(365, { source_name: `s${i}.example`, description: 'x'.repeat(500) });
      answered.push((await c.nextRes(335)).source_id as string);
      for (const deadline = Date.now() + 5000; Date.now() < deadline && !readdirSync(dir).some((n) => n.endsWith('.tmp')); );
      r.child.kill('SIGKILL');
      await r.exited;
      answered.push(...c.pending().filter((m) => m.res === 335).map((m) => m.source_id as string));
      await c.close();
    } finally {
      r.child.kill('SIGKILL');
    }
    // The kill may or may not have hit a write between open and rename; leave one as it would have.
    const leftover = `.state.json.${r.child.pid}.0badf00d.tmp`;
    if (!(await readdir(dir)).some((n) => n.endsWith('.tmp'))) await writeFile(path.join(dir, leftover), '{"version": 1, "us');

    const restarted = await startEmulator({ port: 0, statePath: file });
    try {
      assert.deepEqual(await readdir(dir), ['state.json']);
      const d = await RawClient.connect(restarted.wsUrl, await login(restarted.url, 'demo', 'demo'));
      const ids = new Set(((await d.request(611)).sources as SourceDoc[]).map((s) => s.id));
      for (const id of answered) assert.ok(ids.has(id), `source ${id} was answered before the kill, so it is in the state`);
      await d.close();
    } finally {
      await restarted.close();
    }
  });

  it('refuses to start on a file that is not JSON, and leaves it untouched', async () => {
    await writeFile(file, '{"version": 1, "users": [');
    await assert.rejects(startEmulator({ port: 0, statePath: file }), (err: unknown) => {
      assert.ok(err instanceof EmulatorStartError);
      assert.equal(err.reason, 'state-file');
      assert.match(err.message, /state\.json is not valid JSON/);
      return true;
    });
    assert.equal(await readFile(file, 'utf8'), '{"version": 1, "users": [');
  });

  it('refuses to start when the state file cannot be written', async () => {
    await assert.rejects(startEmulator({ port: 0, statePath: path.join(dir, 'missing-folder', 'state.json') }), (err: unknown) => {
      assert.ok(err instanceof EmulatorStartError);
      assert.equal(err.reason, 'state-file');
      assert.match(err.message, /Cannot write the emulator state file/);
      return true;
    });
  });

  it('refuses a file with a wrong field, naming it', async () => {
    const emu = await startEmulator({ port: 0, statePath: file });
    await emu.close();
    const doc = JSON.parse(await readFile(file, 'utf8')) as { sources: { name: unknown }[] };
    doc.sources[0].name = 42;
    await writeFile(file, JSON.stringify(doc));
    await assert.rejects(startEmulator({ port: 0, statePath: file }), /damaged \(sources\[0\]\.name should be a string\)/);
  });
});
