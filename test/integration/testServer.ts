// A server of the test's own for the in-host tests: the emulator started
// inside the extension host (real sockets on 127.0.0.1, port 0, state in
// memory) with the fault modes the test asks for, changeable while it runs
// (emulator.setFaults). The extension is pointed at it through its settings
// and pointed back, as a person would do.
import * as vscode from 'vscode';
import type { InstamrktApi } from '../../src/extension';
import { startEmulator, type Emulator, type EmulatorUser } from '../../src/emulator/server';
import type { EmulatorFaults } from '../../src/emulator/faults';
import { settings } from './extensionApi';
import { until } from './until';

export interface TestServer {
  readonly emulator: Emulator;
  /** When the emulator saw something: the time of the first log line (after `from`, an index into its log) that matches. */
  seen(what: string, pattern: RegExp, from?: number): Promise<number>;
  /** How many lines the emulator has logged: pass it to seen() to look only at what comes after. */
  mark(): number;
  /** Points the extension back at the run's server (as the settings were) and stops this one. */
  close(): Promise<void>;
}

/**
 * Starts a server with `faults` (and `users` besides demo and player) and
 * points the extension at it. Resolves once the session uses it and has read
 * its (empty) store: signed out.
 */
export async function useTestServer(a: InstamrktApi, faults: EmulatorFaults, users: EmulatorUser[] = []): Promise<TestServer> {
  if (a.session.snapshot.usingEmulator) throw new Error('the local emulator is in use: a settings change would not reach the session');
  const lines: { line: string; at: number }[] = [];
  const emulator = await startEmulator({ port: 0, seed: 'demo', faults, users, log: (line) => lines.push({ line, at: Date.now() }) });
  const original = { serverUrl: settings().inspect<string>('serverUrl')?.globalValue, restUrl: settings().inspect<string>('restUrl')?.globalValue };
  const close = async (): Promise<void> => {
    try {
      await settings().update('serverUrl', original.serverUrl, vscode.ConfigurationTarget.Global);
      await settings().update('restUrl', original.restUrl, vscode.ConfigurationTarget.Global);
      await until('the session to be back on the run server', () => a.session.snapshot.serverUrl !== emulator.wsUrl && a.session.snapshot.status.kind !== 'starting', 20_000);
    } finally {
      await emulator.close();
    }
  };
  try {
    await settings().update('restUrl', emulator.url, vscode.ConfigurationTarget.Global);
    await settings().update('serverUrl', emulator.wsUrl, vscode.ConfigurationTarget.Global);
    // Both values visible to the session means both reconfigurations have begun; signed out means the last one has read the store.
    await until(
      `the session to use the test server ${emulator.url}`,
      () => a.session.endpoints.serverUrl === emulator.wsUrl && a.session.endpoints.restUrl === emulator.url && a.session.snapshot.status.kind === 'signedOut',
      20_000,
    );
  } catch (err) {
    await close();
    throw err;
  }
  return {
    emulator,
    mark: () => lines.length,
    seen: (what, pattern, from = 0) => until(what, () => lines.slice(from).find((l) => pattern.test(l.line))?.at, 20_000),
    close,
  };
}

/**
 * Makes the session read its stored sign-in again, as a reload does (a
 * connection setting changed: it starts over from the store), and waits until
 * it has settled. What it shows then is what was stored.
 */
export async function readStoreAgain(a: InstamrktApi): Promise<void> {
  const original = settings().inspect<number>('keepAliveSeconds')?.globalValue;
  const other = settings().get<number>('keepAliveSeconds') === 17 ? 18 : 17;
  await changeAndSettle(a, other);
  // Putting the setting back starts over once more; wait for that too, so the caller reads a settled state.
  await changeAndSettle(a, original);
}

/**
 * Sets keepAliveSeconds and waits for the session to settle after the start
 * over it causes: a status published once this host sees the new value (the
 * settings watcher begins the start over in that same change event), and no
 * longer starting or connecting.
 */
async function changeAndSettle(a: InstamrktApi, value: number | undefined): Promise<void> {
  const before = settings().get<number>('keepAliveSeconds');
  const changed = (): boolean => settings().get<number>('keepAliveSeconds') !== before;
  const after: string[] = [];
  const subscription = a.session.onDidChange((s) => {
    if (changed()) after.push(s.status.kind);
  });
  try {
    await settings().update('keepAliveSeconds', value, vscode.ConfigurationTarget.Global);
    await until('the session to start over from the store and settle', () => after.length > 0 && !['starting', 'connecting'].includes(a.session.snapshot.status.kind), 20_000);
  } finally {
    subscription.dispose();
  }
}
