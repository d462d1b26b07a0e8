// The client's options: the caller's values over the defaults, each checked
// with a message naming it, before any connection is tried.
import * as assert from 'node:assert/strict';
import { DEFAULT_BACKOFF } from '../../src/protocol/backoff';
import { DEFAULT_KEEP_ALIVE_MS, DEFAULT_MAX_PAYLOAD, DEFAULT_REQUEST_TIMEOUT_MS, resolveOptions, type ClientOptions } from '../../src/protocol/clientOptions';
import { InsecureUrlError, InvalidArgumentError } from '../../src/protocol/errors';

const credentials = async () => ({ userId: '1', sessionKey: 'k' });
const base: ClientOptions = { serverUrl: 'ws://127.0.0.1:9999', credentials };

function refused(options: Partial<ClientOptions>, message: string): void {
  assert.throws(() => resolveOptions({ ...base, ...options }), (e: unknown) => e instanceof InvalidArgumentError && e.message === message, JSON.stringify(options));
}

describe('resolveOptions', () => {
  it('fills in the documented defaults', () => {
    const r = resolveOptions(base);
    assert.equal(r.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS);
    assert.equal(r.keepAliveMs, DEFAULT_KEEP_ALIVE_MS);
    assert.equal(r.maxPayload, DEFAULT_MAX_PAYLOAD);
    assert.equal(r.fetchOpcodes, true);
    assert.equal(r.random, Math.random);
    assert.deepEqual(r.network(), {});
    assert.deepEqual(r.reconnect, DEFAULT_BACKOFF);
    assert.equal(r.logger, undefined);
    assert.equal(r.serverUrl, base.serverUrl);
    assert.equal(r.credentials, credentials);
    assert.deepEqual([DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_KEEP_ALIVE_MS, DEFAULT_MAX_PAYLOAD], [30_000, 30_000, 16 * 1024 * 1024]);
  });

  it("takes the caller's values, and a value given as undefined keeps the default", () => {
    const random = () => 0.5;
    const logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
    const r = resolveOptions({ ...base, requestTimeoutMs: 5, keepAliveMs: 0, maxPayload: 1, fetchOpcodes: false, random, logger, reconnect: { initialDelayMs: 7 } });
    assert.deepEqual([r.requestTimeoutMs, r.keepAliveMs, r.maxPayload, r.fetchOpcodes, r.random, r.logger], [5, 0, 1, false, random, logger]);
    assert.deepEqual(r.reconnect, { ...DEFAULT_BACKOFF, initialDelayMs: 7 });
    const u = resolveOptions({ ...base, requestTimeoutMs: undefined, keepAliveMs: undefined, fetchOpcodes: undefined, reconnect: undefined });
    assert.deepEqual([u.requestTimeoutMs, u.keepAliveMs, u.fetchOpcodes], [DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_KEEP_ALIVE_MS, true]);
    assert.deepEqual(u.reconnect, DEFAULT_BACKOFF);
    assert.equal(resolveOptions({ ...base, reconnect: false }).reconnect, false);
  });

  it('refuses each bad option with a message naming it', () => {
    for (const requestTimeoutMs of [0, -1, Number.NaN, Infinity]) refused({ requestTimeoutMs }, 'requestTimeoutMs must be a positive number.');
    for (const keepAliveMs of [-1, Number.NaN, Infinity]) refused({ keepAliveMs }, 'keepAliveMs must be 0 (off) or a positive number.');
    for (const maxPayload of [0, -1, 1.5, Infinity]) refused({ maxPayload }, 'maxPayload must be a positive integer.');
    refused({ reconnect: { factor: 0.5 } }, 'reconnect.factor must be a number ≥ 1');
    refused({ credentials: 'k' as unknown as ClientOptions['credentials'] }, 'credentials must be a function.');
    refused({ serverUrl: 'ws://127.0.0.1:9999/#x' }, 'The server URL must not contain a # fragment.');
    assert.throws(() => resolveOptions({ ...base, serverUrl: 'ws://example.com' }), InsecureUrlError);
  });

  it('does not check the backoff when reconnecting is off', () => {
    assert.equal(resolveOptions({ ...base, reconnect: false }).reconnect, false);
  });
});
