// The --state file: a restart keeps sources, games and sessions; writes are
// atomic; a damaged file stops the start with a clear error and is left as is.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EmulatorStartError, startEmulator } from '../../src/emulator/server';
import { RawClient, expectRefusedUpgrade, freshNonce, handshakeUrl, login } from './support/rawClient';

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
