// Instamrkt: Test Connection in the real extension host, run as a person runs
// it (the command): signed in over https + wss with the test CA trusted as a
// system CA, every step runs and the report opens as a read-only Markdown
// document that Copy Connection Report puts on the clipboard, while the
// extension's own connection stays up; against a closed port, TCP fails with
// its next step and every later step is skipped. Where the extension runs is
// what VS Code's env says.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { startEmulator, type Emulator } from '../../src/emulator/server';
import type { InstamrktApi } from '../../src/extension';
import type { StepResult } from '../../src/protocol/diagnose';
import { whatFollows, whereItRuns } from '../../src/sources/whereItRuns';
import type { TestConnectionResult } from '../../src/ui/testConnection';
import { PROXIED_TEST_HOST } from '../fixtures/certificates';
import { startConnectProxy } from '../fixtures/connectProxy';
import { api, pki, pointAt, readPair, savedSettings, setSetting } from './networkKit';
import { until } from './until';

const run = async (): Promise<TestConnectionResult> => {
  const result = await vscode.commands.executeCommand<TestConnectionResult | undefined>('instamrkt.testConnection');
  assert.ok(result, 'the command returns its result (it did not fail)');
  return result;
};
const statuses = (steps: readonly StepResult[]): string => steps.map((s) => `${s.id} ${s.status}`).join(', ');
const reportDocument = (): vscode.TextDocument | undefined => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'instamrkt-report');

describe('Instamrkt: Test Connection in the real host', function () {
  this.timeout(90_000);
  let a: InstamrktApi;
  let emu: Emulator;
  const settings = savedSettings(['instamrkt.serverUrl', 'instamrkt.restUrl', 'http.proxy']);

  before(async () => {
    a = await api();
    emu = await startEmulator({ port: 0, seed: 'demo', tls: readPair(pki().server) });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (a.session.isSignedIn && a.session.snapshot.serverUrl === emu.wsUrl) await a.session.signOut().catch(() => undefined);
    await settings.restore();
    await emu.close();
  });

  it('signed in over https + wss: every step passes (the test certificate ends within 14 days: a warning), and the report opens as read-only Markdown', async () => {
    await pointAt(a, emu.url, emu.wsUrl);
    await a.session.signIn('demo', 'demo');
    await until('connected', () => a.session.snapshot.status.kind === 'connected');
    const { steps, report } = await run();

    assert.deepEqual(steps.map((s) => s.id), ['host', 'settings', 'proxy', 'dns', 'tcp', 'tls', 'rest', 'upgrade', 'logon', 'ping']);
    assert.equal(statuses(steps), 'host info, settings passed, proxy passed, dns passed, tcp passed, tls warning, rest passed, upgrade passed, logon passed, ping passed');
    const where = whereItRuns({ remoteName: vscode.env.remoteName, uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop' });
    assert.equal(steps[0].detail, `On ${where.summary}. ${whatFollows(where)}`);
    const tls = steps.find((s) => s.id === 'tls');
    assert.match(tls?.detail ?? '', /issued by Instamrkt Test CA, valid until .+: trusted, but it expires in \d days\.$/);
    assert.match(steps.find((s) => s.id === 'logon')?.detail ?? '', /^Logged on as user \d+\.$/);
    assert.ok(steps.every((s) => typeof s.ms === 'number'), 'every step that ran is timed');

    assert.match(report, /^# Instamrkt: Test Connection\n/);
    assert.match(report, /\*\*Result: no step failed\.\*\*/);
    assert.match(report, /^10\. \*\*PASS\*\* Ping \((?:<1|\d+) ms\)$/m);
    assert.ok(!/\b[0-9a-f]{64}\b|[?&]h=[0-9a-f]/i.test(report), 'no digest or key in the report');

    const doc = await until('the report document', reportDocument);
    assert.equal(doc.getText(), report);
    assert.equal(doc.languageId, 'markdown');
    assert.equal(doc.isUntitled, false, 'not an untitled file: closing it never asks to save');

    await vscode.commands.executeCommand('instamrkt.copyConnectionReport');
    assert.equal(await vscode.env.clipboard.readText(), report);
    assert.equal(a.session.snapshot.status.kind, 'connected', "the extension's own connection is untouched");
  });

  it('against a closed port: TCP fails with its next step, and every later step is skipped, not failed', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await pointAt(a, `http://127.0.0.1:${port}`, `ws://127.0.0.1:${port}`);
    const { steps, report } = await run();

    assert.equal(statuses(steps), 'host info, settings passed, proxy passed, dns passed, tcp failed, tls skipped, rest skipped, upgrade skipped, logon skipped, ping skipped');
    const tcp = steps.find((s) => s.id === 'tcp');
    assert.match(tcp?.detail ?? '', /ECONNREFUSED/);
    assert.equal(tcp?.next, 'Nothing accepts connections there: check the port in instamrkt.serverUrl, and that the server is up.');
    assert.match(report, /\*\*Result: "TCP connect" failed\.\*\*/);
    assert.match(report, /^5\. \*\*FAIL\*\* TCP connect \((?:<1|\d+) ms\)\n {3}.*ECONNREFUSED.*\n {3}What to do: Nothing accepts connections there/m);
    assert.match(report, /^6\. \*\*SKIP\*\* TLS\n {3}Not run: "TCP connect" failed\.$/m);
    assert.equal((await until('the report document', reportDocument)).getText(), report, 'the open report is the latest');
  });

  it('through http.proxy to a name only the proxy resolves: the name is left to the proxy, the tunnel opens, and REST, upgrade and TLS go through it', async () => {
    const proxy = await startConnectProxy({ hosts: { [PROXIED_TEST_HOST]: '127.0.0.1' } });
    try {
      await setSetting('http', 'proxy', proxy.url);
      const target = `${PROXIED_TEST_HOST}:${emu.port}`;
      await pointAt(a, `https://${target}`, `wss://${target}`);
      const { steps } = await run();
      assert.equal(statuses(steps), 'host info, settings passed, proxy passed, dns info, tcp passed, tls warning, rest passed, upgrade passed, logon skipped, ping skipped');
      assert.match(steps.find((s) => s.id === 'proxy')?.detail ?? '', new RegExp(`through the proxy ${proxy.url.replace(/\./g, '\\.')} \\(from http\\.proxy\\)\\.$`));
      assert.equal(steps.find((s) => s.id === 'dns')?.detail, `Not looked up here: the proxy ${proxy.url} resolves ${PROXIED_TEST_HOST}.`);
      assert.equal(steps.find((s) => s.id === 'tcp')?.detail, `The proxy ${proxy.url} opened a tunnel to ${target}.`);
      assert.ok(proxy.tunnels().length >= 4, `TCP, TLS, REST and the upgrade each tunnelled (${proxy.tunnels().length})`);
      assert.deepEqual([...new Set(proxy.tunnels())], [target]);
    } finally {
      await setSetting('http', 'proxy', undefined);
      await proxy.close();
    }
  });
});
