// The Instamrkt authentication provider in the real extension host (issue
// 11): VS Code lists the signed-in account, the provider's session is the
// live sign-in, removeSession (what the Accounts menu's Sign Out calls) signs
// the extension out, and the Sign Out command tells VS Code the session was
// removed. Each test runs on a server of its own (testServer.ts), so the
// run's sign-in is left as it was.
//
// vscode.authentication.getSession() from another extension (this suite's
// runner) needs the user's consent in a modal dialog, which an in-host test
// cannot answer: the sessions are read through getAccounts() (no consent
// needed, the same provider call the Accounts menu makes) and from the
// provider itself, as VS Code calls it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InstamrktApi } from '../../src/extension';
import { HostingClient } from '../fixtures/hostingClient';
import type { AuthSessionsChange } from '../../src/sources/authSessions';
import { api, settings } from './extensionApi';
import { logMark, logText } from './extensionLog';
import { readStoreAgain, useTestServer, type TestServer } from './testServer';
import { until } from './until';

const USER = { username: 'alice', password: 'alice-Pa55word-xyz', developer: true };

/** What the provider and VS Code said about Instamrkt sessions while `run` ran. */
function listen(a: InstamrktApi): { provider: AuthSessionsChange[]; vscode: number; dispose(): void } {
  const seen = { provider: [] as AuthSessionsChange[], vscode: 0, dispose: () => undefined as void };
  const subs = [
    a.auth.onDidChangeSessions((e) => seen.provider.push({ added: [...(e.added ?? [])], removed: [...(e.removed ?? [])], changed: [...(e.changed ?? [])] })),
    vscode.authentication.onDidChangeSessions((e) => {
      if (e.provider.id === 'instamrkt') seen.vscode++;
    }),
  ];
  seen.dispose = () => subs.forEach((s) => s.dispose());
  return seen;
}

describe('Instamrkt in the Accounts menu (authentication provider)', function () {
  this.timeout(90_000);
  let a: InstamrktApi;
  let server: TestServer | undefined;

  before(async () => {
    a = await api();
  });

  afterEach(async () => {
    if (server && a.session.isSignedIn) await vscode.commands.executeCommand('instamrkt.signOut');
    await server?.close();
    server = undefined;
  });

  it('lists the signed-in account in VS Code, and its session is the live sign-in: id user@server, no scopes, the key as access token', async () => {
    server = await useTestServer(a, {}, [USER]);
    const { wsUrl } = server.emulator;
    const seen = listen(a);
    try {
      await a.session.signIn(USER.username, USER.password);
      const userId = a.session.snapshot.userId;
      assert.ok(userId);
      const label = `alice (${new URL(wsUrl).host})`;
      const accounts = await until('VS Code to list the account', async () => {
        const list = await vscode.authentication.getAccounts('instamrkt');
        return list.length > 0 && list;
      });
      assert.deepEqual(accounts.map((x) => ({ id: x.id, label: x.label })), [{ id: userId, label }]);

      const sessions = await a.auth.getSessions([], {});
      assert.equal(sessions.length, 1);
      const [session] = sessions;
      assert.equal(session.id, `${userId}@${wsUrl}`);
      assert.deepEqual(session.scopes, []);
      assert.deepEqual(session.account, { id: userId, label });
      assert.deepEqual(await a.auth.getSessions(undefined, {}), sessions, 'the Accounts menu asks with no scopes at all');
      assert.deepEqual(await a.auth.getSessions(['sources'], {}), [], 'Instamrkt defines no scopes: none is granted');
      await assert.rejects(a.auth.createSession(['sources']), /Instamrkt defines no scopes/);

      // The access token is the live key: another client signs on with it.
      const other = new HostingClient({ serverUrl: wsUrl, credentials: async () => ({ userId, sessionKey: session.accessToken }), keepAliveMs: 0, reconnect: false });
      try {
        await other.connect();
      } finally {
        other.dispose();
      }
      assert.deepEqual(seen.provider.map((e) => [e.added.map((s) => s.id), e.removed.length, e.changed.length]), [[[session.id], 0, 0]], 'one event: added');
      await until('VS Code to pass the change on', () => seen.vscode > 0);
      assert.ok(!(await logText()).includes(session.accessToken), 'the access token is not in the log');
    } finally {
      seen.dispose();
    }
  });

  it('removeSession (the Accounts menu’s Sign Out) signs the extension out: status signed out, the secrets gone, the session removed', async () => {
    server = await useTestServer(a, {}, [USER]);
    await a.session.signIn(USER.username, USER.password);
    const [session] = await a.auth.getSessions([], {});
    assert.ok(session);
    const seen = listen(a);
    try {
      await a.auth.removeSession(session.id);
      assert.equal(a.session.snapshot.status.kind, 'signedOut');
      assert.equal(a.session.api, undefined, 'disconnected');
      assert.deepEqual(seen.provider.map((e) => [e.added.length, e.removed.map((s) => s.id), e.changed.length]), [[0, [session.id], 0]], 'one event: removed');
      assert.deepEqual(await vscode.authentication.getAccounts('instamrkt'), []);
      // What is stored: read again from SecretStorage, as a reload would.
      await readStoreAgain(a);
      assert.equal(a.session.snapshot.status.kind, 'signedOut', 'nothing stored: signed out after reading the store again');
      assert.deepEqual(await a.auth.getSessions([], {}), []);
    } finally {
      seen.dispose();
    }
  });

  it('removeSession of a session that is gone already changes nothing', async () => {
    server = await useTestServer(a, {}, [USER]);
    await a.session.signIn(USER.username, USER.password);
    await a.auth.removeSession(`someone@${server.emulator.wsUrl}`);
    assert.equal(a.session.snapshot.status.kind, 'connected');
    assert.equal((await a.auth.getSessions([], {})).length, 1);
  });

  it('Sign Out from the command fires onDidChangeSessions with the session removed', async () => {
    server = await useTestServer(a, {}, [USER]);
    await a.session.signIn(USER.username, USER.password);
    const [session] = await a.auth.getSessions([], {});
    assert.ok(session);
    const seen = listen(a);
    try {
      await vscode.commands.executeCommand('instamrkt.signOut');
      assert.deepEqual(seen.provider.map((e) => [e.added.length, e.removed.map((s) => s.id), e.changed.length]), [[0, [session.id], 0]]);
      await until('VS Code to pass the change on', () => seen.vscode > 0);
      assert.deepEqual(await vscode.authentication.getAccounts('instamrkt'), []);
    } finally {
      seen.dispose();
    }
  });

  it('answers getSessions at once with no session while the server’s URL is refused (the account can be read for no server)', async () => {
    const original = settings().inspect<string>('serverUrl')?.globalValue;
    const refused = 'ws://example.com:9999';
    try {
      await settings().update('serverUrl', refused, vscode.ConfigurationTarget.Global);
      await until('the URL to be refused', () => a.session.snapshot.serverUrl === refused && a.session.snapshot.status.kind === 'disconnected', 20_000);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'no answer'>((resolve) => (timer = setTimeout(() => resolve('no answer'), 10_000)));
      const answer = await Promise.race([a.auth.getSessions([], {}), deadline]);
      clearTimeout(timer);
      assert.deepEqual(answer, []);
    } finally {
      await settings().update('serverUrl', original, vscode.ConfigurationTarget.Global);
      await until('the run’s server again', () => a.session.snapshot.serverUrl !== refused && a.session.snapshot.status.kind !== 'starting', 20_000);
    }
  });

  it('logs sign-in, open, close and sign-out with outcome and duration, and no secret', async () => {
    server = await useTestServer(a, {}, [USER]);
    const mark = await logMark();
    await a.session.signIn(USER.username, USER.password);
    await until('the source list', () => a.service.state.kind === 'live');
    const id = await a.service.open('log-check.example');
    const closed = await a.service.close([id]);
    assert.deepEqual(closed.closed, [id]);
    const [session] = await a.auth.getSessions([], {});
    assert.ok(session);
    await vscode.commands.executeCommand('instamrkt.signOut');
    const ms = String.raw`\d+(\.\d)? (ms|s)`;
    const url = server.emulator.wsUrl;
    const expected = [
      new RegExp(String.raw`\[info\] \[connection\] Connect to ${url}: connected in ${ms}$`),
      new RegExp(String.raw`\[info\] \[connection\] Sign-in as alice: done in ${ms}$`),
      new RegExp(String.raw`\[info\] \[sources\] Open game source "log-check\.example": opened ${id} in ${ms}$`),
      new RegExp(String.raw`\[info\] \[sources\] Close game source "log-check\.example" \(${id}\): closed in ${ms}$`),
      new RegExp(String.raw`\[info\] \[connection\] Disconnected from ${url} after ${ms} connected$`),
      new RegExp(String.raw`\[info\] \[connection\] Sign-out of alice: done in ${ms}$`),
    ];
    const activity = /\] (Connect to|Sign-in|Open game source|Close game source|Disconnected from|Sign-out)/;
    const lines = await until('the sign-out line', async () => {
      const found = (await logText()).slice(mark).split('\n').filter((l) => activity.test(l));
      return found.some((l) => /Sign-out/.test(l)) && found;
    });
    assert.equal(lines.length, expected.length, lines.join('\n'));
    lines.forEach((line, i) => assert.match(line, expected[i]));
    const log = (await logText()).slice(mark);
    assert.ok(!log.includes(USER.password), 'no password in the log');
    assert.ok(!log.includes(session.accessToken), 'no session key in the log');
  });
});
