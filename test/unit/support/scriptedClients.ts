// Clients of the scripted server for the client's tests: each test's clients
// log into one list of lines (checked for secrets), and are disposed together;
// useScriptedServer() gives a describe block a fresh server per test.
import * as assert from 'node:assert/strict';
import type { ClientOptions, InstamrktClient, StateChangeEvent } from '../../../src/protocol/client';
import { HostingClient } from '../../fixtures/hostingClient';
import { type ScriptedServer, startScriptedServer } from './scriptedServer';

export const SESSION_KEY = 'SESSION-KEY-never-on-the-wire';

export class ScriptedClients {
  readonly logLines: string[] = [];
  readonly #clients: InstamrktClient[] = [];
  readonly #server: () => ScriptedServer;

  constructor(server: () => ScriptedServer) {
    this.#server = server;
  }

  /** A client of the scripted server: no keep-alive, no reconnection unless overridden. */
  make(overrides: Partial<ClientOptions> = {}): HostingClient {
    const log = (level: string) => (msg: string) => this.logLines.push(`${level} ${msg}`);
    const client = new HostingClient({
      serverUrl: this.#server().wsUrl,
      credentials: async () => ({ userId: '7', sessionKey: SESSION_KEY }),
      keepAliveMs: 0,
      reconnect: false,
      logger: { trace: log('trace'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      ...overrides,
    });
    this.#clients.push(client);
    return client;
  }

  /** Every state change of `client` from now on. */
  states(client: InstamrktClient): StateChangeEvent[] {
    const seen: StateChangeEvent[] = [];
    client.onDidChangeState((e) => seen.push(e));
    return seen;
  }

  /** Disposes every client made; returns the lines of their log that hold a secret or a digest (none, when all is well). */
  disposeAll(): string[] {
    for (const c of this.#clients.splice(0)) c.dispose();
    return this.logLines.splice(0).filter((line) => line.includes(SESSION_KEY) || /[0-9a-f]{64}/.test(line));
  }
}

/**
 * A fresh scripted server for each test of the calling describe block (handed
 * to `onServer` before the test runs, for its handlers), the test's clients
 * disposed after it, and, after the last test, one check that no client
 * logged a secret: as an afterEach assertion, a leak would skip every later test.
 */
export function useScriptedServer(onServer: (server: ScriptedServer) => void): ScriptedClients {
  let server: ScriptedServer | undefined;
  const clients = new ScriptedClients(() => {
    assert.ok(server, 'the scripted server runs only during a test');
    return server;
  });
  const leaks: string[] = [];
  beforeEach(async () => {
    server = await startScriptedServer();
    onServer(server);
  });
  afterEach(async function () {
    for (const line of clients.disposeAll()) leaks.push(`${this.currentTest?.title ?? '?'}: ${line}`);
    await server?.close();
    server = undefined;
  });
  after(() => assert.deepEqual(leaks, [], 'log lines of the clients that hold a secret or a digest, by test'));
  return clients;
}
