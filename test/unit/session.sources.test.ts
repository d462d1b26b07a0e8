// Session and SourceService wired as the extension wires them (onDidConnect →
// attach, onDidLoseConnection → detach, onEvent → handleEvent), against the
// real emulator: what the list says when the connection goes away by itself.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { RestClient } from '../../src/protocol/rest';
import { Session } from '../../src/sources/session';
import { SourceService, type ListState } from '../../src/sources/sourceService';
import type { Emulator } from './support/emulatorClients';
import { MemoryStore, quietLogger } from './support/sessionKit';
import { waitFor } from './support/wait';

describe('Session and SourceService together: an unplanned drop (issue 12)', () => {
  let emulator: Emulator;
  let session: Session;
  let service: SourceService;
  const subscriptions: { dispose(): void }[] = [];

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, seed: 'demo' });
    session = new Session({
      store: new MemoryStore(),
      endpoints: () => ({ serverUrl: emulator.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 }),
      rest: (url) => new RestClient(url),
      logger: quietLogger,
      reconnect: { initialDelayMs: 200, maxDelayMs: 400, jitter: 0 },
    });
    service = new SourceService(undefined);
    subscriptions.push(
      session.onDidConnect((client) => void service.attach(client).catch(() => undefined)),
      session.onDidLoseConnection(() => service.detach()),
      session.onEvent((m) => service.handleEvent(m)),
    );
  });

  afterEach(async () => {
    for (const s of subscriptions.splice(0)) s.dispose();
    service.dispose();
    session.dispose();
    await emulator.close();
  });

  it('marks the list stale when the connection drops by itself (no Disconnect command), and live again after the automatic reconnect', async () => {
    await session.signIn('demo', 'demo');
    await waitFor(() => service.state.kind === 'live', 'the list to be read');
    const states: ListState[] = [];
    service.onDidChange(() => states.push(service.state));
    const droppedAt = Date.now();
    emulator.dropConnections();
    await waitFor(() => states.length >= 1, 'the list to change after the drop');
    const first = states[0];
    assert.equal(first.kind, 'stale', `the list is stale first: ${JSON.stringify(states)}`);
    assert.ok(first.kind === 'stale' && typeof first.since === 'number' && first.since >= droppedAt, JSON.stringify(first));
    assert.equal(service.list().length, 1, 'the last known list stays');
    await waitFor(() => service.state.kind === 'live', 'the list to be live again after the reconnect', 10_000);
    assert.equal(session.snapshot.status.kind, 'connected');
  });
});
