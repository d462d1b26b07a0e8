// peekTls: one handshake that accepts any certificate, reads it and closes,
// writing nothing; and the TLS details it reports (protocol, issuer, names,
// validity, trusted or why not). Against a bare TLS server that records
// every byte of application data it receives.
import * as assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { routeFor } from '../../src/protocol/network';
import { peekTls } from '../../src/protocol/tlsPeek';
import { makeTestPki, type CertAndKey, type TestPki } from '../fixtures/certificates';

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
