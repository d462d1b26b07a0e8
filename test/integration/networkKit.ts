// What the in-host TLS and proxy tests share: the extension's API, the run's
// test certificates (their CA is trusted by the host through
// NODE_EXTRA_CA_CERTS), settings changed through VS Code's API and put back
// afterwards, pointing the extension at another server, and waiting for a
// notice.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { InstamrktApi } from '../../src/extension';
import type { Notice } from '../../src/host/notifier';
import type { CertAndKey, CertFiles, TestPkiFiles } from '../fixtures/certificates';
import { testConfig } from './config';
import { until } from './until';

export async function api(): Promise<InstamrktApi> {
  const ext = vscode.extensions.getExtension<InstamrktApi>(testConfig().extensionId);
  assert.ok(ext, 'extension installed');
  return ext.activate();
}

/** The run's certificate files; fails the test when the launcher made none. */
export function pki(): TestPkiFiles {
  const files = testConfig().pki;
  assert.ok(files, 'the launcher made test certificates (IntegrationConfig.pki)');
  return files;
}

export function readPair(files: CertFiles): CertAndKey {
  return { cert: fs.readFileSync(files.cert, 'utf8'), key: fs.readFileSync(files.key, 'utf8') };
}

/** Sets `section.key` in the user settings, as a person would in the Settings editor. */
export async function setSetting(section: string, key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Global);
}

/** Remembers the user values of some settings, to put them back after the tests. */
export function savedSettings(names: readonly string[]): { restore(): Promise<void> } {
  const saved = names.map((name) => {
    const dot = name.lastIndexOf('.');
    const [section, key] = [name.slice(0, dot), name.slice(dot + 1)];
    return { section, key, value: vscode.workspace.getConfiguration(section).inspect(key)?.globalValue };
  });
  return {
    async restore() {
      for (const { section, key, value } of saved) await setSetting(section, key, value);
    },
  };
}

/** Points the extension at another server through its settings; resolves once the session uses it. */
export async function pointAt(a: InstamrktApi, restUrl: string, serverUrl: string): Promise<void> {
  await setSetting('instamrkt', 'restUrl', restUrl);
  await setSetting('instamrkt', 'serverUrl', serverUrl);
  await until(`the session to use ${serverUrl}`, () => a.session.snapshot.serverUrl === serverUrl && a.session.snapshot.status.kind !== 'starting');
}

/** The first error notice shown after the `from`-th whose message matches. */
export function noticeAfter(a: InstamrktApi, from: number, message: RegExp, timeoutMs = 20_000): Promise<Notice> {
  return until(`a notice matching ${message}`, () => a.notices().slice(from).find((n) => n.severity === 'error' && message.test(n.message)), timeoutMs);
}

/** A notice's next steps as label and arguments, for exact comparison. */
export function stepsOf(notice: Notice): { label: string; args: readonly unknown[] }[] {
  return notice.steps.map((s) => ({ label: s.label, args: s.args }));
}
