// The emulator's faults of the code table and of sign-in, on the wire:
// renumbered codes (and a client table built from get_opcodes talking to
// them), a refused get_opcodes, a slow REST login and a slow logon; and the
// checks on fault options.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CodeTable, DEFAULT_OPS, DEFAULT_RESPONSES } from '../../src/protocol/codes';
import { Emulator, EmulatorStartError, startEmulator } from '../../src/emulator/server';
import { EmulatorFaultError } from '../../src/emulator/faults';
import { RawClient, bare, login } from './support/rawClient';

describe('emulator faults: codes and sign-in', () => {
  let emu: Emulator | undefined;
  const clients: RawClient[] = [];

  async function connect(username: string, logon = true): Promise<RawClient> {
    if (!emu) throw new Error('no emulator');
    const c = await RawClient.connect(emu.wsUrl, await login(emu.url, username, username), { logon });
    clients.push(c);
    return c;
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await emu?.close();
    emu = undefined;
  });

  it('renumbers every code but get_opcodes and 666; documented numbers get 666 unknown op', async () => {
    emu = await startEmulator({ port: 0, seed: 'empty', faults: { renumberCodes: true } });
    const demo = await connect('demo', false);
    const table = await demo.request(2);
    assert.equal(table.res, 2);
    const opcodes = table.opcodes as Record<string, number>;
    const responses = table.response_codes as Record<string, number>;
    assert.deepEqual(Object.keys(opcodes).sort(), Object.keys(DEFAULT_OPS).sort());
    assert.deepEqual(Object.keys(responses).sort(), Object.keys(DEFAULT_RESPONSES).sort());
    for (const [name, code] of Object.entries(DEFAULT_OPS)) assert.equal(opcodes[name], name === 'get_opcodes' ? 2 : code + 10000, name);
    for (const [name, code] of Object.entries(DEFAULT_RESPONSES)) assert.equal(responses[name], name === 'opcodes' || name === 'error' ? code : code + 10000, name);
    for (const op of [100, 1, 365, 611]) assert.deepEqual(bare(await demo.request(op)), { res: 666, text: `Unknown operation ${op}.` });
    // op 100 was refused as unknown, so the connection is not logged on.
    assert.deepEqual(bare(await demo.request(10611)), { res: 666, text: 'You must log on first.' });
  });

  it('a client table built from its get_opcodes reaches every op, and broadcasts come renumbered', async () => {
    emu = await startEmulator({ port: 0, seed: 'empty', faults: { renumberCodes: true } });
    const demo = await connect('demo', false);
    const player = await connect('player', false);
    const reply = await demo.request(2);
    const codes = CodeTable.documented.withServerTable(reply.opcodes as Record<string, unknown>, reply.response_codes as Record<string, unknown>);
    assert.notEqual(codes, CodeTable.documented, 'the table was taken');
    const ask = async (c: RawClient, op: keyof typeof DEFAULT_OPS, params: Record<string, unknown> = {}) => {
      const m = await c.request(codes.op(op), params);
      return { name: codes.resName(m.res), m };
    };
    assert.equal((await ask(demo, 'logon')).name, 'logon_success');
    assert.equal((await ask(player, 'logon')).name, 'logon_success');
    assert.equal((await ask(demo, 'ping')).name, 'pong');
    const opened = await ask(demo, 'open_game_source', { source_name: 'renumbered.example' });
    assert.equal(opened.name, 'game_source_opened');
    const game = await ask(demo, 'create_and_open_game', { source_id: opened.m.source_id, game_name: 'G', type: 1, actions: ['a'], targets: ['x'] });
    assert.equal(game.name, 'game_created_and_opened');
    assert.equal((await ask(player, 'join_game', { game_id: game.m.game_id })).name, 'game_joined');
    const joined = await demo.next();
    assert.deepEqual([joined.res, codes.resName(joined.res)], [10470, 'user_joined_game']);
    assert.equal((await ask(demo, 'close_game_source', { source_id: opened.m.source_id })).m.res, 10341, 'the cascade 341 broadcast comes first');
    assert.deepEqual(bare(await demo.next()), { res: 10336, source_id: opened.m.source_id });
    assert.deepEqual(bare(await player.next()), { res: 10341, game_id: game.m.game_id });
    const list = await ask(demo, 'list_game_sources_i_am_admin_of');
    assert.deepEqual([list.name, list.m.sources], ['game_sources_i_am_admin_of_list', []]);
    assert.equal((await ask(demo, 'close_game_source', { source_id: 'nope' })).name, 'error');

    emu.setFaults({});
    assert.deepEqual(bare(await demo.request(1)), { res: 1 }, 'documented again once the fault is off');
  });

  it('refuses get_opcodes with a 666 and serves everything else; with renumbered codes the client cannot learn them', async () => {
    emu = await startEmulator({ port: 0, seed: 'empty', faults: { refuseOpcodes: true } });
    const demo = await connect('demo');
    const refused = await demo.request(2);
    assert.equal(refused.res, 666);
    assert.equal(typeof refused.text, 'string');
    assert.deepEqual(bare(await demo.request(1)), { res: 1 });
    emu.setFaults({ refuseOpcodes: true, renumberCodes: true });
    assert.equal((await demo.request(2)).res, 666);
    assert.equal((await demo.request(1)).res, 666);
    assert.deepEqual(bare(await demo.request(10001)), { res: 10001 });
  });

  it('answers POST /r/login/ late, after the session was made and saved', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'emu-slow-login-'));
    try {
      const statePath = path.join(dir, 'state.json');
      emu = await startEmulator({ port: 0, seed: 'empty', statePath, faults: { slowLoginMs: 1000 } });
      const sessions = async () => (JSON.parse(await readFile(statePath, 'utf8')) as { sessions: unknown[] }).sessions.length;
      const before = await sessions();
      const started = Date.now();
      let answered = false;
      const signedIn = login(emu.url, 'demo', 'demo').then((s) => {
        answered = true;
        return s;
      });
      let saved = false;
      while (!saved) saved = (await sessions()) === before + 1;
      assert.equal(answered, false, 'the session was saved before the answer was sent');
      const session = await signedIn;
      assert.ok(Date.now() - started >= 990, 'the answer came no sooner than the delay (a timer may fire a ms early by the wall clock)');
      const c = await RawClient.connect(emu.wsUrl, session);
      clients.push(c);
      assert.deepEqual(bare(await c.request(1)), { res: 1 });
    } finally {
      await emu?.close();
      emu = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers logon late; the connection is logged on meanwhile (a second one is logged on automatically)', async () => {
    emu = await startEmulator({ port: 0, seed: 'empty', faults: { slowLogonMs: 1000 } });
    const first = await connect('demo', false);
    let answered = false;
    const started = Date.now();
    const logon = first.request(100).then((m) => {
      answered = true;
      return m;
    });
    // A connection opened once the first is logged on is logged on automatically: try until one is.
    let served = false;
    while (!served) served = (await (await connect('demo', false)).request(611)).res === 621;
    assert.equal(answered, false, 'logged on before the reply was sent');
    assert.equal((await logon).res, 100);
    assert.ok(Date.now() - started >= 990, 'the reply came no sooner than the delay (a timer may fire a ms early by the wall clock)');
  });

  it('refuses bad fault options at start and in setFaults, keeping the faults in force', async () => {
    const bad: [object, RegExp][] = [
      [{ dropReplies: ['nope'] }, /Unknown operation "nope" in dropReplies/],
      [{ lateReplies: { ping: -5 } }, /late reply of ping must be a whole number of ms/],
      [{ lateReplies: { ping: 5 }, dropReplies: ['ping'] }, /reply to ping cannot be late and dropped at once/],
      [{ replyDelays: { logon: 5 }, slowLogonMs: 5 }, /Set the logon delay once/],
      [{ slowLoginMs: 1.5 }, /slowLoginMs must be a whole number of ms/],
      [{ renumberCodes: 'yes' }, /renumberCodes must be true or false/],
    ];
    for (const [faults, message] of bad) {
      await assert.rejects(startEmulator({ port: 0, faults }), (err: unknown) => err instanceof EmulatorStartError && err.reason === 'options' && message.test(err.message));
    }
    await assert.rejects(startEmulator({ port: 0, replyDelays: { ping: 5 }, faults: { replyDelays: { ping: 5 } } }), /not both/);
    emu = await startEmulator({ port: 0, seed: 'empty', faults: { refuseOpcodes: true } });
    for (const [faults, message] of bad) assert.throws(() => emu?.setFaults(faults), (err: unknown) => err instanceof EmulatorFaultError && message.test(err.message));
    assert.deepEqual(emu.faults(), { refuseOpcodes: true });
    const demo = await connect('demo');
    assert.equal((await demo.request(2)).res, 666, 'still refusing');
  });

  it('keeps its own copy of the faults it was given', async () => {
    const faults = { dropReplies: ['ping' as const] as ('ping' | 'logon')[] };
    emu = await startEmulator({ port: 0, seed: 'empty', faults });
    faults.dropReplies.push('logon');
    const copy = emu.faults();
    (copy.dropReplies as string[]).push('logon');
    const demo = await connect('demo');
    demo.send(1);
    assert.deepEqual(bare(await demo.request(611)), { res: 621, sources: [] }, 'the ping was dropped, logon was not');
  });
});
