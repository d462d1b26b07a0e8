// The activity log (newcomer item 6): one line per sign-in, sign-out, open
// and close with its outcome and duration, and per connect and disconnect,
// from a real Session against the emulator; never a secret.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { RestClient } from '../../src/protocol/rest';
import { logged } from '../../src/sources/activity';
import { SupersededError } from '../../src/sources/lifecycle';
import { Session } from '../../src/sources/session';
import { SourceService } from '../../src/sources/sourceService';
import { ClientPool, type Emulator } from './support/emulatorClients';
import { MemoryStore } from './support/sessionKit';

/** A logger that keeps every line with its level. */
function recorder(): { lines: string[]; logger: { trace(m: string): void; debug(m: string): void; info(m: string): void; warn(m: string): void; error(m: string): void } } {
  const lines: string[] = [];
  const at = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { lines, logger: { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('logged', () => {
  it('logs what, "done" and the duration at info on success, and returns the result', async () => {
    const { lines, logger } = recorder();
    let t = 1000;
    const result = await logged(logger, 'Open game source "a"', async () => {
      t += 42;
      return 'id-1';
    }, undefined, () => t);
    assert.equal(result, 'id-1');
    assert.deepEqual(lines, ['info Open game source "a": done in 42 ms']);
  });

  it('describes the outcome from the result when asked to', async () => {
    const { lines, logger } = recorder();
    await logged(logger, 'Open', async () => 'id-7', (id) => `opened ${id}`, () => 0);
    assert.deepEqual(lines, ['info Open: opened id-7 in 0 ms']);
  });

  it('logs a failure at warn with its reason and duration, and rethrows it', async () => {
    const { lines, logger } = recorder();
    let t = 0;
    const boom = new Error('the server refused');
    await assert.rejects(
      logged(logger, 'Sign-in as x', async () => {
        t = 1500;
        throw boom;
      }, undefined, () => t),
      (err) => err === boom,
    );
    assert.deepEqual(lines, ['warn Sign-in as x: failed after 1.5 s: the server refused']);
  });

  it('logs a rejection without an error object as a failure, and rethrows it as it was', async () => {
    const { lines, logger } = recorder();
    await assert.rejects(
      logged(logger, 'Close', () => Promise.reject(undefined), undefined, () => 0),
      (err) => err === undefined,
    );
    assert.deepEqual(lines, ['warn Close: failed after 0 ms: undefined']);
  });

  it('logs a cancellation by a later intent at info, not as a failure', async () => {
    const { lines, logger } = recorder();
    await assert.rejects(logged(logger, 'Sign-in as x', () => Promise.reject(new SupersededError('signOut')), undefined, () => 0), SupersededError);
    assert.deepEqual(lines, ['info Sign-in as x: cancelled after 0 ms (Cancelled because you signed out meanwhile.)']);
  });
});

describe('the session’s activity lines (real emulator)', () => {
  let emulator: Emulator;
  let session: Session;
  let lines: string[];

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, seed: 'demo' });
    const rec = recorder();
    lines = rec.lines;
    session = new Session({
      store: new MemoryStore(),
      endpoints: () => ({ serverUrl: emulator.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 }),
      rest: (url) => new RestClient(url),
      logger: rec.logger,
    });
  });

  afterEach(async () => {
    session.dispose();
    await emulator.close();
  });

  const activity = (): string[] => lines.filter((l) => /^(info|warn) (Sign-in|Sign-out|Connect to|Disconnected from)/.test(l));

  it('records sign-in, connect, disconnect and sign-out with outcome and duration, at info', async () => {
    await session.start(false);
    await session.signIn('player', 'player');
    session.disconnect();
    await session.connect();
    await session.signOut();
    const url = emulator.wsUrl;
    const ms = '\\d+(\\.\\d)? (ms|s)';
    const expected = [
      new RegExp(`^info Connect to ${url}: connected in ${ms}$`),
      new RegExp(`^info Sign-in as player: done in ${ms}$`),
      new RegExp(`^info Disconnected from ${url} after ${ms} connected$`),
      new RegExp(`^info Connect to ${url}: connected in ${ms}$`),
      new RegExp(`^info Disconnected from ${url} after ${ms} connected$`),
      new RegExp(`^info Sign-out of player: done in ${ms}$`),
    ];
    const got = activity();
    assert.equal(got.length, expected.length, got.join('\n'));
    got.forEach((line, i) => assert.match(line, expected[i]));
  });

  it('records a refused sign-in at warn with the server’s reason, and no password', async () => {
    await session.start(false);
    await assert.rejects(session.signIn('demo', 'not-the-password'));
    assert.deepEqual(
      activity().map((l) => l.replace(/\d+(\.\d)? (ms|s)/, 'N')),
      ['warn Sign-in as demo: failed after N: Invalid username or password.'],
    );
    assert.ok(!lines.some((l) => l.includes('not-the-password')));
  });

  it('records a lost connection at warn with how long it lasted', async () => {
    await session.start(false);
    await session.signIn('player', 'player');
    await emulator.close();
    await new Promise<void>((resolve) => {
      const sub = session.onDidChange((s) => {
        if (s.status.kind === 'disconnected') {
          sub.dispose();
          resolve();
        }
      });
    });
    assert.ok(
      activity().some((l) => new RegExp(`^warn Disconnected from ${emulator.wsUrl} after \\d+(\\.\\d)? (ms|s) connected: `).test(l)),
      activity().join('\n'),
    );
    emulator = await startEmulator({ port: 0, seed: 'demo' });
  });
});

describe('the source service’s activity lines (real emulator)', () => {
  let emulator: Emulator;
  let pool: ClientPool;

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, seed: 'demo' });
    pool = new ClientPool(() => emulator);
  });

  afterEach(async () => {
    pool.disposeAll();
    await emulator.close();
  });

  it('records each open and each close with its outcome and duration; a refused close at warn with the server’s reason', async () => {
    const { lines, logger } = recorder();
    const service = new SourceService(undefined, undefined, Date.now, logger);
    await service.attach(await pool.connected('demo', 'demo'), 'owner');
    const id = await service.open('log.example');
    const result = await service.close([id, id]);
    assert.deepEqual(result.closed, [id]);
    service.dispose();
    const ms = '\\d+(\\.\\d)? (ms|s)';
    const expected = [
      new RegExp(`^info Open game source "log\\.example": opened ${id} in ${ms}$`),
      new RegExp(`^info Close game source "log\\.example" \\(${id}\\): closed in ${ms}$`),
      // The second close of the same source: the server refuses it (already closed), and the line names it by id.
      new RegExp(`^warn Close game source "${id}" \\(${id}\\): failed after ${ms}: .+`),
    ];
    assert.equal(lines.length, expected.length, lines.join('\n'));
    lines.forEach((line, i) => assert.match(line, expected[i]));
  });
});
