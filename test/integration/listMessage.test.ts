// The line the Game Sources view shows above a last known list: why the list
// may be out of date, and, while not connected, the reason when it is known
// (newcomer item 5 of issue 11). A pure function, run here for vscode.l10n.
import * as assert from 'node:assert/strict';
import type { ConnectionStatus } from '../../src/sources/status';
import { listMessage } from '../../src/ui/sourcesView';

const time = () => '14:02';
const stale = { kind: 'stale', since: 0 } as const;

function message(status: ConnectionStatus, lastError?: string, rows = 3) {
  return listMessage(stale, rows, { status, lastError }, time);
}

describe('the line above a last known list', () => {
  it('names why it is not connected: the refused setting, the lost connection, the refused sign-in, or the last error', () => {
    const badUrl = 'The setting instamrkt.serverUrl cannot be used: Refusing unencrypted ws:// to example.com.';
    assert.equal(message({ kind: 'disconnected', nextRetryAt: undefined, error: badUrl }), `Offline — showing the list as last known at 14:02. Not connected: ${badUrl}`);
    assert.equal(message({ kind: 'authFailed', error: 'The session key has expired.' }), 'Offline — showing the list as last known at 14:02. Not connected: The session key has expired.');
    assert.equal(message({ kind: 'disconnected', nextRetryAt: undefined, error: undefined }, 'The local emulator stopped unexpectedly.'), 'Offline — showing the list as last known at 14:02. Not connected: The local emulator stopped unexpectedly.');
  });

  it('says only "offline" when no reason is known (a Disconnect the user chose), and "reading" while connected', () => {
    assert.equal(message({ kind: 'disconnected', nextRetryAt: undefined, error: undefined }), 'Offline — showing the list as last known at 14:02.');
    assert.equal(message({ kind: 'connecting' }), 'Offline — showing the list as last known at 14:02.');
    assert.equal(message({ kind: 'connected', latencyMs: 3 }, 'an old error'), 'Reading the list from the server — showing the list as last known at 14:02.');
  });

  it('says nothing over a live list or an empty one (the welcome speaks then)', () => {
    assert.equal(listMessage({ kind: 'live' }, 3, { status: { kind: 'connected', latencyMs: 1 }, lastError: undefined }, time), undefined);
    assert.equal(message({ kind: 'disconnected', nextRetryAt: undefined, error: 'x' }, undefined, 0), undefined);
  });
});
