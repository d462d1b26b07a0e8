// peekTls: one handshake that accepts any certificate, reads it and closes,
// writing nothing; and the TLS details it reports (protocol, issuer, names,
// validity, trusted or why not). Against a bare TLS server that records
// every byte of application data it receives.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { routeFor } from '../../src/protocol/network';
import { peekTls } from '../../src/protocol/tlsPeek';
import { makeTestPki, type CertAndKey, type TestPki } from '../fixtures/certificates';
import { startConnectProxy } from '../fixtures/connectProxy';

interface Recorder {
  readonly url: URL;
  /** Resolves once the server's side of the one connection closed, with the application bytes it received. */
  readonly received: Promise<number>;
  close(): Promise<void>;
}

async function recordingServer(pair: CertAndKey): Promise<Recorder> {
  let done: (bytes: number) => void = () => undefined;
  const received = new Promise<number>((resolve) => (done = resolve));
  const server = tls.createServer({ cert: pair.cert, key: pair.key }, (socket) => {
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    socket.on('error', () => undefined);
    socket.on('close', () => done(bytes));
  });
  // The peek may close before the server has finished its side of a TLS 1.3 handshake: then no data can have been read either.
  server.on('tlsClientError', () => done(0));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: new URL(`wss://127.0.0.1:${(server.address() as AddressInfo).port}`),
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('peekTls', () => {
  let pki: TestPki;
  before(async () => {
    pki = await makeTestPki();
  });

  it('reads an expired certificate it would refuse, and writes nothing to the server', async () => {
    const server = await recordingServer(pki.expired);
    try {
      const details = await peekTls(server.url, await routeFor(server.url, { ca: pki.ca }));
      assert.equal(details.authorized, false);
      assert.equal(details.authorizationError, 'CERT_HAS_EXPIRED');
      assert.equal(details.validTo?.getTime(), Math.floor(pki.expired.expiredAt.getTime() / 1000) * 1000);
      assert.equal(details.issuer, 'Instamrkt Test CA');
      assert.equal(await server.received, 0, 'no application data reached the server');
    } finally {
      await server.close();
    }
  });

  it('says a certificate from the trusted CA is trusted, with its protocol and names', async () => {
    const server = await recordingServer(pki.server);
    try {
      const details = await peekTls(server.url, await routeFor(server.url, { ca: pki.ca }));
      assert.equal(details.authorized, true);
      assert.equal(details.authorizationError, undefined);
      assert.match(details.protocol ?? '', /^TLSv1\.[23]$/);
      assert.ok(details.names.includes('127.0.0.1'));
      assert.equal(await server.received, 0);
    } finally {
      await server.close();
    }
  });

  it('says why a self-signed certificate is not trusted', async () => {
    const server = await recordingServer(pki.selfSigned);
    try {
      const details = await peekTls(server.url, await routeFor(server.url, { ca: pki.ca }));
      assert.equal(details.authorized, false);
      assert.equal(details.authorizationError, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      await server.close();
    }
  });
});

describe('peekTls: the ways a look can end', () => {
  let pki: TestPki;
  const closers: (() => Promise<void>)[] = [];
  before(async () => {
    pki = await makeTestPki();
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** A TCP server that does `onSocket` with each connection instead of any TLS. */
  async function tcpServer(onSocket: (socket: net.Socket) => void): Promise<URL> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      onSocket(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }));
    return new URL(`wss://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  it('reads the certificate of a server at an IPv6 address ([::1]), brackets taken off', async () => {
    const server = tls.createServer({ cert: pki.server.cert, key: pki.server.key });
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = new URL(`wss://[::1]:${(server.address() as AddressInfo).port}`);
    const details = await peekTls(url, await routeFor(url, { ca: pki.ca }));
    assert.equal(details.authorized, true, 'the certificate names ::1, so the unbracketed address was checked');
  });

  it('rejects when no handshake completes in time, naming the host and the time', async () => {
    const url = await tcpServer(() => undefined);
    await assert.rejects(peekTls(url, await routeFor(url, {}), 100), { message: `No TLS handshake with ${url.host} within 100 ms.` });
  });

  it('rejects with the socket error when the server cuts the connection, without waiting for the time limit, and leaves no timer running', async () => {
    const url = await tcpServer((socket) => socket.destroy());
    const route = await routeFor(url, {});
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    await assert.rejects(peekTls(url, route, 5000), (e: unknown) => e instanceof Error && !/No TLS handshake/.test(e.message));
    // At most as many: another part's timer may end meanwhile; the peek's own must not be left running.
    assert.ok(timers() <= before, `${timers()} timers running, ${before} before`);
  });

  it('leaves no timer running once the handshake is done', async () => {
    const server = await recordingServer(pki.server);
    closers.push(() => server.close());
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    await peekTls(server.url, await routeFor(server.url, { ca: pki.ca }), 60_000);
    // At most as many: another part's timer may end meanwhile; the peek's own must not be left running.
    assert.ok(timers() <= before, `${timers()} timers running, ${before} before`);
  });

  it('rejects, saying so, when the proxy does not open the tunnel (407)', async () => {
    const proxy = await startConnectProxy({ hosts: { 'emulator.instamrkt.test': '127.0.0.1' }, requireAuthorization: 'Basic dGVzdDp0ZXN0' });
    closers.push(() => proxy.close());
    const url = new URL('wss://emulator.instamrkt.test:4443');
    const route = await routeFor(url, { ca: pki.ca, proxy: { proxy: proxy.url } });
    await assert.rejects(peekTls(url, route, 5000), { message: 'The proxy did not open a tunnel to emulator.instamrkt.test:4443.' });
    assert.deepEqual(proxy.requests.map((r) => r.outcome), ['auth-required']);
  });

  it("reads the server's certificate through the proxy's tunnel", async () => {
    const server = await recordingServer(pki.server);
    closers.push(() => server.close());
    const proxy = await startConnectProxy({ hosts: { 'emulator.instamrkt.test': '127.0.0.1' } });
    closers.push(() => proxy.close());
    const url = new URL(`wss://emulator.instamrkt.test:${server.url.port}`);
    const details = await peekTls(url, await routeFor(url, { ca: pki.ca, proxy: { proxy: proxy.url } }), 60_000);
    assert.ok(details.names.includes('emulator.instamrkt.test'));
    assert.deepEqual(proxy.tunnels(), [`emulator.instamrkt.test:${server.url.port}`]);
  });
});
