// The extension under test as the in-host tests reach it: the API its
// activate() returns, and its settings (user settings, where the harness
// points it at the run's emulator).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InstamrktApi } from '../../src/extension';
import { testConfig } from './config';

/** Activates the extension (if it is not yet) and returns its API. */
export async function api(): Promise<InstamrktApi> {
  const ext = vscode.extensions.getExtension<InstamrktApi>(testConfig().extensionId);
  assert.ok(ext, 'extension installed');
  return ext.activate();
}

export function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('instamrkt');
}
