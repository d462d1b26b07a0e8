// Clients of the scripted server for the client's tests: each test's clients
// log into one list of lines (checked for secrets), and are disposed together.
import * as assert from 'node:assert/strict';
import type { ClientOptions, InstamrktClient, StateChangeEvent } from '../../../src/protocol/client';
import { HostingClient } from '../../fixtures/hostingClient';
import type { ScriptedServer } from './scriptedServer';

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

  /** Disposes every client made, and checks that no secret reached their log. */
  disposeAll(): void {
    for (const c of this.#clients.splice(0)) c.dispose();
    for (const line of this.logLines.splice(0)) {
      assert.ok(!line.includes(SESSION_KEY), `secret in log: ${line}`);
      assert.ok(!/[0-9a-f]{64}/.test(line), `digest in log: ${line}`);
    }
  }
}
