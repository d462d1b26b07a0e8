// The extension as VS Code sees it: installed from the VSIX, activating in
// the real extension host, and contributing every command it declares.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { testConfig } from './config';

interface ManifestCommand {
  readonly command: string;
}

function manifestCommands(): string[] {
  const manifest: unknown = JSON.parse(fs.readFileSync(path.join(testConfig().repoRoot, 'package.json'), 'utf8'));
  const commands = (manifest as { contributes?: { commands?: ManifestCommand[] } }).contributes?.commands ?? [];
  return commands.map((entry) => entry.command);
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(testConfig().extensionId);
  assert.ok(ext, `${testConfig().extensionId} is not installed in this VS Code`);
  return ext;
}

describe('the extension in VS Code', () => {
  it('is installed from the VSIX built from this tree', () => {
    const installed = extension().packageJSON as { version?: string };
    const manifest = JSON.parse(fs.readFileSync(path.join(testConfig().repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(installed.version, manifest.version);
  });

  it('activates', async () => {
    await extension().activate();
    assert.equal(extension().isActive, true);
  });

  it('registers every command its manifest contributes', async () => {
    await extension().activate();
    const declared = manifestCommands();
    assert.ok(declared.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `commands declared in package.json but not registered: ${missing.join(', ')}`);
  });

  it('activates in a folder that is not trusted (Restricted Mode)', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the launcher opens a fresh, untrusted folder');
    await extension().activate();
    assert.equal(extension().isActive, true);
  });

  it('shows its log when "Instamrkt: Show Log" runs', async () => {
    await vscode.commands.executeCommand('instamrkt.showLog');
    // A shown output channel is backed by a text document with the `output` scheme.
    const shown = await pollFor(() => vscode.workspace.textDocuments.find((doc) => doc.uri.scheme === 'output' && doc.uri.path.includes('Instamrkt')), 5000);
    assert.ok(shown, `no Instamrkt output document among ${vscode.workspace.textDocuments.map((doc) => doc.uri.toString()).join(', ')}`);
  });
});

/** Polls `check` until it returns a value, or returns undefined after `timeoutMs`. */
async function pollFor<T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
