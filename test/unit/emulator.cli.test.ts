// The emulator's command line, run as a real child process (the tsc output of
// src/emulator/main.ts, which is what esbuild bundles into dist/emulator.js).
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { CliHelpRequested, CliUsageError, parseCliArgs } from '../../src/emulator/cliArgs';
import { EmulatorFaults, faultCliArgs } from '../../src/emulator/faults';
import { RawClient, login } from './support/rawClient';
import { run, waitForLine } from './support/emulatorCli';

describe('emulator CLI', () => {
  it('prints where it listens (the real port for --port 0) and the demo credentials, serves, and exits 0 on SIGTERM', async () => {
    const r = run(['--port', '0', '--seed', 'demo']);
    try {
      const m = await waitForLine(r, /^Instamrkt emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/);
      assert.notEqual(m[2], '0');
      await waitForLine(r, /demo \/ demo/);
      const session = await login(m[1], 'demo', 'demo');
      assert.equal(session.id, 1001);
      assert.equal(r.stdoutLines().filter((l) => l.startsWith('Instamrkt emulator listening on')).length, 1);
      r.child.kill('SIGTERM');
      assert.equal(await r.exited, 0);
    } finally {
      r.child.kill('SIGKILL');
    }
  });

  it('exits 0 on SIGINT too', async () => {
    const r = run(['--port=0', '--seed=empty']);
    try {
      await waitForLine(r, /^Instamrkt emulator listening on /);
      r.child.kill('SIGINT');
      assert.equal(await r.exited, 0);
    } finally {
      r.child.kill('SIGKILL');
    }
  });

  it('prints usage on stderr and exits 2 for bad arguments', async () => {
    for (const args of [['--port', 'abc'], ['--seed', 'full'], ['--frobnicate'], ['--port'], ['--port', '70000'], ['--delay-reply', 'open_game_source'], ['--delay-reply', 'constructor=5'], ['--delay-reply', 'ping=700000']]) {
      const r = run(args);
      assert.equal(await r.exited, 2, args.join(' '));
      assert.match(r.stderr(), /Usage: node dist\/emulator\.js/);
      assert.deepEqual(r.stdoutLines(), []);
    }
  });

  it('holds the replies named by --delay-reply, and says so; --verbose logs each request by op name only', async () => {
    const r = run(['--port', '0', '--seed', 'empty', '--delay-reply', 'ping=300', '--verbose']);
    try {
      const [, url] = await waitForLine(r, /^Instamrkt emulator listening on (\S+)/);
      await waitForLine(r, /^Replies to ping are held for 300 ms\.$/);
      const client = await RawClient.connect(url.replace(/^http/, 'ws'), await login(url, 'demo', 'demo'));
      try {
        const started = Date.now();
        assert.equal((await client.request(1)).res, 1);
        assert.ok(Date.now() - started >= 300, 'the pong came no sooner than the delay');
        await client.request(365, { source_name: 'verbose.example', description: 'not for the log' });
        // stderr and the socket are separate pipes: the log line may arrive after the reply.
        for (const deadline = Date.now() + 5000; !/user 1001: open_game_source\n/.test(r.stderr()) && Date.now() < deadline; ) await new Promise((res) => setTimeout(res, 20));
        assert.match(r.stderr(), /user 1001: ping\n/);
        assert.match(r.stderr(), /user 1001: open_game_source\n/);
        assert.doesNotMatch(r.stderr(), /verbose\.example|not for the log/);
      } finally {
        await client.close();
      }
      r.child.kill('SIGTERM');
      assert.equal(await r.exited, 0);
    } finally {
      r.child.kill('SIGKILL');
    }
  });

  it('--help prints one line per flag on stdout and exits 0', async () => {
    const r = run(['--help']);
    assert.equal(await r.exited, 0);
    assert.equal(r.stderr(), '');
    assert.match(r.stdout(), /^Usage: node dist\/emulator\.js \[options\]\n/);
    for (const flag of ['--host', '--port', '--seed', '--state', '--tls-cert', '--tls-key', '--verbose', '--delay-reply', '--drop-reply', '--late-reply', '--interleave-broadcasts', '--malformed-frames', '--renumber-codes', '--refuse-opcodes', '--slow-login', '--slow-logon']) {
      assert.match(r.stdout(), new RegExp(`^  ${flag}\\b.* \\w+`, 'm'), `${flag} has a line of its own that says what it does`);
    }
  });

  it('gives a usage error (exit 2) for a bad value of each fault flag, naming it', async () => {
    const cases = [
      [['--drop-reply', 'nope'], /^--drop-reply: unknown operation "nope"\.$/m],
      [['--late-reply', 'ping'], /^--late-reply takes OP=MS/m],
      [['--interleave-broadcasts=yes'], /^--interleave-broadcasts takes no value\.$/m],
      [['--malformed-frames=1'], /^--malformed-frames takes no value\.$/m],
      [['--renumber-codes=true'], /^--renumber-codes takes no value\.$/m],
      [['--refuse-opcodes=no'], /^--refuse-opcodes takes no value\.$/m],
      [['--slow-login', 'soon'], /^--slow-login takes a whole number of ms, not "soon"\.$/m],
      [['--slow-logon', '700000'], /^--slow-logon: at most 600000 ms\.$/m],
      [['--drop-reply', 'ping', '--late-reply', 'ping=5'], /^The reply to ping cannot be late and dropped at once\.$/m],
    ] as const;
    // In parallel: each is a process start, and they do not share anything.
    const runs = cases.map(([args]) => run([...args]));
    for (const [i, [args, reason]] of cases.entries()) {
      const r = runs[i];
      assert.equal(await r.exited, 2, args.join(' '));
      assert.match(r.stderr(), reason);
      assert.match(r.stderr(), /Usage: node dist\/emulator\.js/);
      assert.deepEqual(r.stdoutLines(), []);
    }
  });

  it('parses every bad fault value as a CliUsageError, --help as CliHelpRequested', () => {
    for (const args of [
      ['--drop-reply'],
      ['--drop-reply', '--verbose'],
      ['--drop-reply', 'constructor'],
      ['--late-reply', 'ping=abc'],
      ['--late-reply', 'nope=5'],
      ['--late-reply', 'ping=700000'],
      ['--late-reply=ping=-1'],
      ['--slow-login'],
      ['--slow-login', '-5'],
      ['--slow-login', '1.5'],
      ['--slow-logon', ''],
      ['--slow-logon=600001'],
      ['--slow-logon', '5', '--delay-reply', 'logon=5'],
      ['--delay-reply', 'ping=5', '--late-reply', 'ping=5'],
      ['--delay-reply', 'ping=5', '--drop-reply', 'ping'],
      ['--verbose=1'],
    ]) {
      assert.throws(() => parseCliArgs(args), CliUsageError, args.join(' '));
    }
    assert.throws(() => parseCliArgs(['--port', '0', '-h']), CliHelpRequested);
  });

  it('parses every fault flag into startEmulator\'s faults, and faultCliArgs gives them back', () => {
    const parsed = parseCliArgs([
      '--drop-reply', 'close_game_source', '--drop-reply=ping', '--drop-reply', 'ping',
      '--late-reply', 'open_game_source=500', '--delay-reply', 'close_game=7',
      '--interleave-broadcasts', '--malformed-frames', '--renumber-codes', '--refuse-opcodes',
      '--slow-login', '300', '--slow-logon=400',
    ]);
    const expected: EmulatorFaults = {
      dropReplies: ['close_game_source', 'ping'],
      lateReplies: { open_game_source: 500 },
      replyDelays: { close_game: 7 },
      interleaveBroadcasts: true,
      malformedFrames: true,
      renumberCodes: true,
      refuseOpcodes: true,
      slowLoginMs: 300,
      slowLogonMs: 400,
    };
    assert.deepEqual(parsed.faults, expected);
    assert.deepEqual(parseCliArgs(faultCliArgs(expected)).faults, expected);
    assert.deepEqual(parseCliArgs([]).faults, {});
  });

  it('runs with the fault flags it was given, and says so', async () => {
    const r = run(['--port', '0', '--seed', 'empty', '--renumber-codes', '--refuse-opcodes', '--drop-reply', 'list_game_sources_i_am_admin_of']);
    try {
      const [, url] = await waitForLine(r, /^Instamrkt emulator listening on (\S+)/);
      await waitForLine(r, /^Fault: replies to list_game_sources_i_am_admin_of are dropped/);
      await waitForLine(r, /^Fault: codes are renumbered/);
      await waitForLine(r, /^Fault: get_opcodes is refused with 666\.$/);
      const client = await RawClient.connect(url.replace(/^http/, 'ws'), await login(url, 'demo', 'demo'), { logon: false });
      try {
        assert.equal((await client.request(2)).res, 666);
        assert.equal((await client.request(10100)).res, 10100);
        client.send(10611);
        assert.equal((await client.request(10001)).res, 10001, 'the 621 was dropped');
      } finally {
        await client.close();
      }
      r.child.kill('SIGTERM');
      assert.equal(await r.exited, 0);
    } finally {
      r.child.kill('SIGKILL');
    }
  });

  it('says the port is in use on one stderr line and exits 1', async () => {
    const taken = await startEmulator({ port: 0 });
    try {
      const r = run(['--port', String(taken.port)]);
      assert.equal(await r.exited, 1);
      assert.equal(r.stderr().trim(), `Port ${taken.port} on 127.0.0.1 is already in use.`);
    } finally {
      await taken.close();
    }
  });

  it('warns when binding a host that is not loopback', async () => {
    const r = run(['--port', '0', '--host', '0.0.0.0']);
    try {
      await waitForLine(r, /^Instamrkt emulator listening on http:\/\/0\.0\.0\.0:\d+$/);
      // stdout and stderr are separate pipes: poll stderr with a deadline rather than assume order.
      const deadline = Date.now() + 5000;
      while (!/Warning: binding 0\.0\.0\.0/.test(r.stderr()) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      assert.match(r.stderr(), /Warning: binding 0\.0\.0\.0/);
      r.child.kill('SIGTERM');
      assert.equal(await r.exited, 0);
    } finally {
      r.child.kill('SIGKILL');
    }
  });
});
