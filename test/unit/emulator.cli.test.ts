// The emulator's command line, run as a real child process (the tsc output of
// src/emulator/main.ts, which is what esbuild bundles into dist/emulator.js).
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { startEmulator } from '../../src/emulator/server';
import { RawClient, login } from './support/rawClient';

const MAIN = path.join(__dirname, '..', '..', 'src', 'emulator', 'main.js');

interface Run {
  child: ChildProcess;
  stdoutLines: () => string[];
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdoutLines: () => out.split('\n').filter((l) => l !== ''), stderr: () => err, exited };
}

async function waitForLine(r: Run, pattern: RegExp, timeoutMs = 10000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of r.stdoutLines()) {
      const m = line.match(pattern);
      if (m) return m;
    }
    if (r.child.exitCode !== null) throw new Error(`exited with ${r.child.exitCode}: ${r.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no line matching ${pattern}; stdout: ${r.stdoutLines().join(' | ')}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

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
