// restFactory: the REST client a Session signs in with. The one given, or by
// default the protocol's RestClient, loaded on first use and given the
// session's network options (here: the test CA that lets it reach an https
// emulator). Real emulator over real sockets.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { CertificateError } from '../../src/protocol/errors';
import type { RestApi } from '../../src/sources/account';
import { restFactory, type SessionDeps } from '../../src/sources/sessionDeps';
import { makeTestPki, type TestPki } from '../fixtures/certificates';
import { MemoryStore, quietLogger } from './support/sessionKit';
import type { Emulator } from './support/emulatorClients';

describe('restFactory', () => {
  let pki: TestPki;
  let emulator: Emulator;

  before(async () => {
    pki = await makeTestPki();
  });

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, seed: 'demo', tls: pki.server });
  });

  afterEach(() => emulator.close());

  function deps(extra: Partial<SessionDeps>): SessionDeps {
    const endpoints = () => ({ serverUrl: emulator.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 });
    return { store: new MemoryStore(), endpoints, logger: quietLogger, ...extra };
  }

  it("by default signs in with the protocol's RestClient, given the session's network options (the CA it trusts)", async () => {
    const rest = await restFactory(deps({ network: () => ({ ca: pki.ca }) }))(emulator.url);
    const login = await rest.login('demo', 'demo');
    assert.ok(login.sessionKey.length > 0);
  });

  it('by default, without network options, trusts only what Node trusts: the test CA is not among it', async () => {
    const rest = await restFactory(deps({}))(emulator.url);
    await assert.rejects(rest.login('demo', 'demo'), (e: unknown) => e instanceof CertificateError);
  });

  it('uses the REST client given, for the URL asked', async () => {
    const asked: string[] = [];
    const given = { login: () => Promise.reject(new Error('given client')) } as unknown as RestApi;
    const rest = await restFactory(deps({ rest: (url) => (asked.push(url), given) }))('https://rest.example/');
    assert.equal(rest, given);
    assert.deepEqual(asked, ['https://rest.example/']);
  });
});
