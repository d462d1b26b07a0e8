// RequestChannel loads `ws` itself (webSocketClass.ts) before it opens its
// socket, so there is a moment when the channel exists and its socket does
// not. A channel closed in that moment never opens a socket. Real emulator.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { ConnectionLostError } from '../../src/protocol/errors';
import { buildHandshakeUrl } from '../../src/protocol/handshake';
import { routeFor } from '../../src/protocol/network';
import { RequestChannel, type ChannelHooks } from '../../src/protocol/requestChannel';
import { RestClient } from '../../src/protocol/rest';
import type { Emulator } from './support/emulatorClients';

const quietHooks: ChannelHooks = { onEvent: () => undefined, onProtocolError: () => undefined, onTimeout: () => undefined, onClose: () => undefined, log: () => undefined };

describe('RequestChannel: the socket comes after ws has loaded', () => {
  let emulator: Emulator;
  let url: URL;

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, seed: 'demo' });
    const login = await new RestClient(emulator.url).login('demo', 'demo');
    url = buildHandshakeUrl(emulator.wsUrl, login.userId, login.sessionKey);
  });

  afterEach(() => emulator.close());

  it('a channel closed before its socket exists never connects: opened rejects with ConnectionLostError, is not open, and a send fails at once', async () => {
    const route = await routeFor(url, { env: {} });
    const early = new RequestChannel(url, { maxPayload: 1 << 20, requestTimeoutMs: 5000, route }, quietHooks);
    early.close(new ConnectionLostError('closed by the test'));
    await assert.rejects(early.opened, (err: unknown) => err instanceof ConnectionLostError && /before it opened/.test(err.message));
    assert.equal(early.isOpen, false);
    await assert.rejects(early.send('ping', {}, ['pong'], {}), ConnectionLostError);

    // A channel opened after it does connect: the server then holds exactly that one connection.
    const later = new RequestChannel(url, { maxPayload: 1 << 20, requestTimeoutMs: 5000, route }, quietHooks);
    await later.opened;
    assert.equal(later.isOpen, true);
    assert.equal(emulator.connectionCount(), 1, 'only the later channel reached the server');
    later.close(new ConnectionLostError('done'));
  });
});
