// Starting an emulator and signing clients in to it, for client tests.
import { startEmulator } from '../../../src/emulator/server';
import { ClientOptions, InstamrktClient } from '../../../src/protocol/client';
import { HostingClient } from '../../fixtures/hostingClient';
import { RestClient } from '../../../src/protocol/rest';

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

export class ClientPool {
  private readonly clients: InstamrktClient[] = [];

  constructor(private readonly emulator: () => Emulator) {}

  /** Signs in over REST and returns a client (one that can also host games), not yet connected, holding that session. */
  async signIn(username: string, password: string, options: Partial<ClientOptions> = {}): Promise<HostingClient> {
    const emulator = this.emulator();
    const session = await new RestClient(emulator.url).login(username, password);
    const client = new HostingClient({
      serverUrl: emulator.wsUrl,
      credentials: async () => ({ userId: session.userId, sessionKey: session.sessionKey }),
      keepAliveMs: 0,
      reconnect: false,
      ...options,
    });
    this.clients.push(client);
    return client;
  }

  async connected(username: string, password: string, options: Partial<ClientOptions> = {}): Promise<HostingClient> {
    const client = await this.signIn(username, password, options);
    await client.connect();
    return client;
  }

  add(client: InstamrktClient): InstamrktClient {
    this.clients.push(client);
    return client;
  }

  disposeAll(): void {
    for (const c of this.clients.splice(0)) c.dispose();
  }
}
