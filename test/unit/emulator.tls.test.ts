// The emulator over TLS: REST over https and the WebSocket over wss on one
// port, with a certificate made at test time; a certificate or key it cannot
// use stops the start before anything is written. The CLI's --tls-cert and
// --tls-key, and their usage errors, are in emulator.cli.tls.test.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmulatorStartError, startEmulator } from '../../src/emulator/server';
import { makeTestPki, type TestPki } from '../fixtures/certificates';
import { RawClient, fetchXsrf, login } from './support/rawClient';

describe('emulator over TLS', () => {
  let pki: TestPki;
  before(async () => {
    pki = await makeTestPki();
  });

  it('serves REST over https and the WebSocket over wss on the same port, and says so in its URLs', async () => {
    const emu = await startEmulator({ port: 0, tls: pki.server });
    try {
      assert.equal(emu.url, `https://127.0.0.1:${emu.port}`);
      assert.equal(emu.wsUrl, `wss://127.0.0.1:${emu.port}`);
      const session = await login(emu.url, 'demo', 'demo', { ca: pki.ca });
      const client = await RawClient.connect(emu.wsUrl, session, { ca: pki.ca });
      try {
        assert.equal((await client.request(1)).res, 1, 'a ping over wss gets its pong');
      } finally {
        await client.close();
      }
    } finally {
      await emu.close();
    }
  });

  it('answers plain http on its TLS port with nothing a client could take for a reply', async () => {
    const emu = await startEmulator({ port: 0, tls: pki.server });
    try {
      await assert.rejects(fetchXsrf(`http://127.0.0.1:${emu.port}`));
    } finally {
      await emu.close();
    }
  });

  it('is refused by a client that does not trust its certificate (the client checks, the emulator keeps serving)', async () => {
    const emu = await startEmulator({ port: 0, tls: pki.server });
    try {
      // fetch wraps the TLS error: the code is on its cause.
      await assert.rejects(login(emu.url, 'demo', 'demo'), (err: Error) => (err.cause as { code?: unknown } | undefined)?.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      await login(emu.url, 'demo', 'demo', { ca: pki.ca });
    } finally {
      await emu.close();
    }
  });

  describe('a certificate or key it cannot use', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'instamrkt-emu-tls-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const cases: [string, (p: TestPki) => { cert: string; key: string }][] = [
      ['a certificate that is not PEM', (p) => ({ cert: 'not a certificate', key: p.server.key })],
      ['a key that is not PEM', (p) => ({ cert: p.server.cert, key: 'not a key' })],
      ['a key that belongs to another certificate', (p) => ({ cert: p.server.cert, key: p.wrongHost.key })],
    ];
    for (const [what, tls] of cases) {
      it(`stops the start on ${what} (EmulatorStartError 'tls'), before the state file is written`, async () => {
        const statePath = path.join(dir, 'state.json');
        await assert.rejects(startEmulator({ port: 0, statePath, tls: tls(pki) }), (err: unknown) => {
          assert.ok(err instanceof EmulatorStartError);
          assert.equal(err.reason, 'tls');
          assert.match(err.message, /^The TLS certificate or key cannot be used: /);
          return true;
        });
        assert.equal(fs.existsSync(statePath), false);
      });
    }
  });
});
