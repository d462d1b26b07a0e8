// The emulator's --tls-cert and --tls-key, run as a real child process: the
// ready line says https://, REST and wss work with the test CA, and a file
// that is missing, unreadable or unusable is a usage error (exit 2) that
// names the flag, with nothing printed on stdout.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliUsageError, parseCliArgs, readTlsFiles } from '../../src/emulator/cliArgs';
import { READY_LINE, webSocketUrlFor } from '../../src/emulator/readyLine';
import { makeTestPki, writeTestPki, type TestPki, type TestPkiFiles } from '../fixtures/certificates';
import { run, waitForLine } from './support/emulatorCli';
import { RawClient, login } from './support/rawClient';

describe('emulator CLI over TLS', () => {
  let pki: TestPki;
  let files: TestPkiFiles;
  let dir: string;
  before(async () => {
    pki = await makeTestPki();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'instamrkt-cli-tls-'));
    files = writeTestPki(dir, pki);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('with --tls-cert and --tls-key prints an https:// ready line, and serves https and wss there', async () => {
    const r = run(['--port', '0', '--seed', 'demo', '--tls-cert', files.server.cert, '--tls-key', files.server.key]);
    try {
      const [line, url] = await waitForLine(r, /^Instamrkt emulator listening on (https:\/\/127\.0\.0\.1:\d+)$/);
      // What the extension's launcher and the harness read from it.
      assert.equal(READY_LINE.exec(line)?.[1], url);
      assert.equal(webSocketUrlFor(url), url.replace(/^https:/, 'wss:'));
      const session = await login(url, 'demo', 'demo', { ca: pki.ca });
      const client = await RawClient.connect(webSocketUrlFor(url), session, { ca: pki.ca });
      assert.equal((await client.request(1)).res, 1);
      await client.close();
      r.child.kill('SIGTERM');
      assert.equal(await r.exited, 0);
    } finally {
      r.child.kill('SIGKILL');
    }
  });

  it('keeps the plain ready line and ws:// without them', () => {
    assert.equal(READY_LINE.exec('Instamrkt emulator listening on http://127.0.0.1:9999')?.[1], 'http://127.0.0.1:9999');
    assert.equal(webSocketUrlFor('http://127.0.0.1:9999'), 'ws://127.0.0.1:9999');
  });

  it('parses the two flags together, and refuses one without the other', () => {
    assert.deepEqual(parseCliArgs(['--tls-cert=c.pem', '--tls-key', 'k.pem']).tls, { certFile: 'c.pem', keyFile: 'k.pem' });
    assert.equal(parseCliArgs([]).tls, undefined);
    assert.throws(() => parseCliArgs(['--tls-cert', 'c.pem']), (err: Error) => err instanceof CliUsageError && err.message === '--tls-cert needs --tls-key too.');
    assert.throws(() => parseCliArgs(['--tls-key', 'k.pem']), (err: Error) => err instanceof CliUsageError && err.message === '--tls-key needs --tls-cert too.');
    assert.throws(() => parseCliArgs(['--tls-cert=', '--tls-key', 'k.pem']), CliUsageError);
  });

  it('names the flag, the file and the reason for a file it cannot read', () => {
    const missing = path.join(dir, 'missing.pem');
    assert.throws(() => readTlsFiles({ certFile: missing, keyFile: files.server.key }), (err: Error) => err instanceof CliUsageError && err.message === `--tls-cert: cannot read "${missing}" (no such file).`);
    assert.throws(() => readTlsFiles({ certFile: files.server.cert, keyFile: dir }), (err: Error) => err instanceof CliUsageError && err.message === `--tls-key: cannot read "${dir}" (it is a folder).`);
  });

  const usageErrors: [string, () => string[], RegExp][] = [
    ['a missing certificate file', () => ['--tls-cert', path.join(dir, 'nope.crt'), '--tls-key', files.server.key], /--tls-cert: cannot read ".*nope\.crt" \(no such file\)/],
    ['a missing key file', () => ['--tls-cert', files.server.cert, '--tls-key', path.join(dir, 'nope.key')], /--tls-key: cannot read ".*nope\.key" \(no such file\)/],
    ['only --tls-cert', () => ['--tls-cert', files.server.cert], /--tls-cert needs --tls-key too/],
    ['a file that is not a certificate', () => ['--tls-cert', files.server.key, '--tls-key', files.server.key], /The TLS certificate or key cannot be used/],
    ['a key of another certificate', () => ['--tls-cert', files.server.cert, '--tls-key', files.wrongHost.key], /The TLS certificate or key cannot be used/],
  ];
  for (const [what, args, message] of usageErrors) {
    it(`exits 2 with the reason on stderr for ${what}, printing nothing on stdout`, async () => {
      const r = run(['--port', '0', ...args()]);
      assert.equal(await r.exited, 2);
      assert.match(r.stderr(), message);
      assert.deepEqual(r.stdoutLines(), []);
    });
  }
});
