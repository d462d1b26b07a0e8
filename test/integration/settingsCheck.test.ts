// A bad instamrkt.serverUrl or instamrkt.restUrl is never accepted in silence
// (issue 8, A3): as soon as it is set, whether or not the local emulator is in
// use, the user is told which setting and why, with Open Settings.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InstamrktApi } from '../../src/extension';
import type { Notice } from '../../src/host/notifier';
import { api, settings } from './extensionApi';
import { logLine, logMark } from './extensionLog';
import { until } from './until';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Waits for an error notice, shown after `from`, naming `setting` and matching `reason`, whose one step opens the Settings editor on that setting. */
function settingNotice(a: InstamrktApi, from: number, setting: string, reason: RegExp): Promise<Notice> {
  return until(`a notice for ${setting}`, () =>
    a
      .notices()
      .slice(from)
      .find((n) => n.severity === 'error' && n.message.includes(setting) && reason.test(n.message)),
  ).then((notice) => {
    assert.deepEqual(
      notice.steps.map((s) => ({ label: s.label, command: s.command, args: s.args })),
      [{ label: 'Open Settings', command: 'workbench.action.openSettings', args: [setting] }],
      'Open Settings, on that setting',
    );
    return notice;
  });
}

describe('bad connection settings', function () {
  this.timeout(90_000);
  let a: InstamrktApi;
  const original: Record<string, unknown> = {};

  before(async () => {
    a = await api();
    for (const key of ['serverUrl', 'restUrl', 'startLocalEmulator']) original[key] = settings().inspect(key)?.globalValue;
  });

  afterEach(async () => {
    for (const key of ['serverUrl', 'restUrl']) await settings().update(key, original[key], vscode.ConfigurationTarget.Global);
    if (a.session.snapshot.usingEmulator) await vscode.commands.executeCommand('instamrkt.stopEmulator');
    await settings().update('startLocalEmulator', original.startLocalEmulator, vscode.ConfigurationTarget.Global);
  });

  it('reports an insecure instamrkt.serverUrl set while the local emulator is in use, naming the setting and the reason', async () => {
    await vscode.commands.executeCommand('instamrkt.startEmulator');
    await until('connected to the local emulator', () => a.session.snapshot.usingEmulator && a.session.snapshot.status.kind === 'connected', 30_000);
    const mark = await logMark();
    const shown = a.notices().length;
    await settings().update('serverUrl', 'ws://example.com:9999', vscode.ConfigurationTarget.Global);
    await logLine('the report of instamrkt.serverUrl', /instamrkt\.serverUrl.*Refusing unencrypted ws:\/\/ to example\.com/, mark);
    const notice = await settingNotice(a, shown, 'instamrkt.serverUrl', /Refusing unencrypted ws:\/\/ to example\.com/);
    assert.match(notice.message, /local emulator is in use/, 'says why nothing changes yet');
    assert.equal(a.session.snapshot.usingEmulator, true, 'the emulator stays in use');
    assert.equal(a.session.snapshot.status.kind, 'connected', 'and connected');
  });

  it('reports an insecure instamrkt.restUrl set while on the configured server, naming the setting and the reason', async () => {
    const mark = await logMark();
    const shown = a.notices().length;
    await settings().update('restUrl', 'http://example.com', vscode.ConfigurationTarget.Global);
    await logLine('the report of instamrkt.restUrl', /instamrkt\.restUrl.*Refusing unencrypted http:\/\/ to example\.com/, mark);
    await settingNotice(a, shown, 'instamrkt.restUrl', /Refusing unencrypted http:\/\/ to example\.com/);
    await until('the status to carry the reason', () => /Refusing unencrypted http:\/\/ to example\.com/.test(a.session.snapshot.lastError ?? ''));
    await until('the connection to refuse it as well', () => a.session.snapshot.status.kind === 'disconnected' || a.session.snapshot.status.kind === 'signedOut');
    assert.equal(
      a.notices().slice(shown).filter((n) => /Refusing unencrypted http/.test(n.message)).length,
      1,
      'told once: the refused connection is not a second message',
    );
  });

  it('reports an instamrkt.serverUrl that is not a URL while instamrkt.startLocalEmulator is on', async () => {
    await settings().update('startLocalEmulator', true, vscode.ConfigurationTarget.Global);
    await until('connected to the local emulator', () => a.session.snapshot.usingEmulator && a.session.snapshot.status.kind === 'connected', 30_000);
    const mark = await logMark();
    const shown = a.notices().length;
    await settings().update('serverUrl', 'not a url', vscode.ConfigurationTarget.Global);
    await logLine('the report of instamrkt.serverUrl', new RegExp(`instamrkt\\.serverUrl.*${escape('"not a url" is not a valid URL')}`), mark);
    await settingNotice(a, shown, 'instamrkt.serverUrl', new RegExp(escape('"not a url" is not a valid URL')));
  });
});
