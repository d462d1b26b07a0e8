// In Restricted Mode (the suite's folder is untrusted), a workspace cannot
// redirect where the extension connects or signs in: the manifest lists the
// address settings in restrictedConfigurations, so VS Code hands the extension
// the user's values only. Without that, a cloned repository's
// .vscode/settings.json could send the stored password to any host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InstamrktApi } from '../../src/extension';
import { testConfig } from './config';

async function api(): Promise<InstamrktApi> {
  const ext = vscode.extensions.getExtension<InstamrktApi>(testConfig().extensionId);
  assert.ok(ext, 'extension installed');
  return ext.activate();
}

describe('Restricted Mode (an untrusted folder)', function () {
  this.timeout(60_000);

  it('ignores a workspace value of instamrkt.restUrl and instamrkt.serverUrl: the user settings stay in use', async () => {
    const a = await api();
    assert.equal(vscode.workspace.isTrusted, false, 'the suite runs in an untrusted folder');
    const settings = () => vscode.workspace.getConfiguration('instamrkt');
    const { serverUrl, restUrl } = testConfig();
    try {
      await settings().update('restUrl', 'https://attacker.example', vscode.ConfigurationTarget.Workspace);
      await settings().update('serverUrl', 'wss://attacker.example:9999', vscode.ConfigurationTarget.Workspace);
      // VS Code hides a restricted setting's workspace value from every reader; the file shows it was written.
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'the suite has a folder');
      const written = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json'))).toString('utf8');
      assert.match(written, /attacker\.example/, 'the workspace value is in .vscode/settings.json');
      assert.equal(a.session.endpoints.restUrl, restUrl, 'the sign-in address is still the user setting');
      assert.equal(a.session.endpoints.serverUrl, serverUrl, 'the server is still the user setting');
    } finally {
      await settings().update('restUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await settings().update('serverUrl', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
