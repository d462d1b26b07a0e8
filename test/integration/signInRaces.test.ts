// Sign-in races in the real extension host (issue 8, A1): a sign-out run
// while a sign-in waits for a slow server wins over it, and of two sign-ins
// in flight the later one wins. The server is the emulator with its slow-login
// and slow-logon faults, started inside the host; the session is the
// extension's own, reached through its API; sign-out is the command.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InstamrktApi } from '../../src/extension';
import { api } from './extensionApi';
import { readStoreAgain, useTestServer, type TestServer } from './testServer';
import { holds, until } from './until';

/** How long the server holds the answer the sign-in waits for. */
const SLOW_MS = 3_000;

type Outcome = { ok: true } | { ok: false; error: unknown };

/** The outcome of a call, without letting its rejection go unhandled while the test does other things. */
function settle(p: Promise<unknown>): Promise<Outcome> {
  return p.then(
    () => ({ ok: true }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/** Cancelled by a later intent: the error the UI recognises by its code and shows nothing for. */
function assertSuperseded(outcome: Outcome, by: RegExp): void {
  assert.ok(!outcome.ok, 'the sign-in that was overtaken did not succeed');
  const error = outcome.error as { code?: unknown; message?: unknown };
  assert.equal(error.code, 'superseded', `rejected as superseded, not as a failure: ${String(error.message)}`);
  assert.match(String(error.message), by);
}

describe('sign-in races in VS Code (issue 8, A1)', function () {
  this.timeout(90_000);
  let a: InstamrktApi;
  let server: TestServer | undefined;

  before(async () => {
    a = await api();
  });

  afterEach(async () => {
    // Leave nothing of ours stored for the test server, then go back to the run's server.
    if (server && a.session.isSignedIn) await vscode.commands.executeCommand('instamrkt.signOut');
    await server?.close();
    server = undefined;
  });

  it('Sign Out while the REST login is slow wins: signed out, no connection, nothing stored, the cancelled key ended, nothing shown', async () => {
    server = await useTestServer(a, { slowLoginMs: SLOW_MS });
    const signingIn = settle(a.session.signIn('demo', 'demo'));
    await server.seen('the server to have the sign-in', /^login: demo \(1001\)$/);
    const shown = a.notices().length;
    await vscode.commands.executeCommand('instamrkt.signOut');
    assert.equal(a.session.snapshot.status.kind, 'signedOut', 'signed out at once');
    // The sign-in waits for the login's answer, so it settles only once the slow answer has arrived.
    const outcome = await signingIn;
    assert.equal(a.session.snapshot.status.kind, 'signedOut', 'still signed out after the slow answer arrived');
    assert.equal(a.session.isSignedIn, false, 'no account held');
    assert.equal(server.emulator.connectionCount(), 0, 'no WebSocket of ours is open on the server');
    await server.seen('the key issued to the cancelled sign-in to be ended on the server', /^logout: one session ended$/);
    assert.ok(!(await a.secretKeys()).includes(`instamrkt.credentials:${server.emulator.wsUrl}`), 'read back through SecretStorage: nothing stored for the server');
    await readStoreAgain(a);
    assert.equal(a.session.snapshot.status.kind, 'signedOut', 'nothing was stored: read again, the store holds no sign-in');
    assert.equal(server.emulator.connectionCount(), 0, 'and nothing connected');
    assertSuperseded(outcome, /you signed out/);
    assert.deepEqual(a.notices().slice(shown), [], 'no error or warning shown');
  });

  it('Sign Out while the logon is slow wins: the socket is closed, and it stays signed out while the held logon reply could still come', async () => {
    server = await useTestServer(a, { slowLogonMs: SLOW_MS });
    const signingIn = settle(a.session.signIn('demo', 'demo'));
    const logonAt = await server.seen('the server to have the logon', /^user 1001: logon$/);
    const shown = a.notices().length;
    await vscode.commands.executeCommand('instamrkt.signOut');
    assert.equal(a.session.snapshot.status.kind, 'signedOut', 'signed out at once');
    const outcome = await signingIn;
    const emulator = server.emulator;
    await until('the server to see our socket closed', () => emulator.connectionCount() === 0);
    await holds(
      'signed out, with no socket of ours open',
      () => a.session.snapshot.status.kind === 'signedOut' && emulator.connectionCount() === 0,
      logonAt + SLOW_MS + 500,
      () => `${a.session.snapshot.status.kind}, ${emulator.connectionCount()} socket(s) open`,
    );
    await server.seen('the key issued to the cancelled sign-in to be ended on the server', /^logout: one session ended$/);
    assert.ok(!(await a.secretKeys()).includes(`instamrkt.credentials:${server.emulator.wsUrl}`), 'read back through SecretStorage: nothing stored for the server');
    await readStoreAgain(a);
    assert.equal(a.session.snapshot.status.kind, 'signedOut', 'nothing was stored: read again, the store holds no sign-in');
    assert.equal(emulator.connectionCount(), 0, 'and nothing connected');
    assertSuperseded(outcome, /you signed out/);
    assert.deepEqual(a.notices().slice(shown), [], 'no error or warning shown');
  });

  it('of two sign-ins in flight the later wins, even when the earlier one’s answer comes last; the earlier stores nothing and shows nothing', async () => {
    server = await useTestServer(a, { slowLoginMs: SLOW_MS });
    const first = settle(a.session.signIn('player', 'player'));
    await server.seen('the server to have the first sign-in', /^login: player \(1002\)$/);
    // The second sign-in is answered at once: it is done before the first one's answer arrives.
    server.emulator.setFaults({});
    const shown = a.notices().length;
    const mark = server.mark();
    await a.session.signIn('demo', 'demo');
    assert.equal(a.session.snapshot.status.kind, 'connected');
    assert.equal(a.session.snapshot.username, 'demo');
    const outcome = await first;
    assert.equal(a.session.snapshot.status.kind, 'connected', 'still connected after the first answer arrived');
    assert.equal(a.session.snapshot.username, 'demo', 'as the later sign-in');
    assert.equal(server.emulator.connectionCount(), 1, 'one socket: the later sign-in’s');
    await server.seen('the key issued to the earlier sign-in to be ended on the server', /^logout: one session ended$/, mark);
    await readStoreAgain(a);
    await until('connected again from the store', () => a.session.snapshot.status.kind === 'connected');
    assert.equal(a.session.snapshot.username, 'demo', 'the stored sign-in is the later one');
    assertSuperseded(outcome, /another sign-in started/);
    assert.deepEqual(a.notices().slice(shown), [], 'no error or warning shown');
  });
});
