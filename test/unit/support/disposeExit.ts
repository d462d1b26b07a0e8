// Run in a child process by client.dispose.test.ts. Connects a client with
// the default (long) timers, disposes (or disconnects) it in the state named by
// argv[2], closes the emulator and returns: if the client left any timer or
// socket behind, the process does not exit on its own and the parent notices.
import { startEmulator } from '../../../src/emulator/server';
import { InstamrktClient } from '../../../src/protocol/client';
import { DisposedError } from '../../../src/protocol/errors';
import { RestClient } from '../../../src/protocol/rest';

async function main(mode: string): Promise<void> {
  const emulator = await startEmulator({ port: 0, seed: 'demo' });
  const session = await new RestClient(emulator.url).login('demo', 'demo');
  const client = new InstamrktClient({
    serverUrl: emulator.wsUrl,
    credentials: async () => ({ userId: session.userId, sessionKey: session.sessionKey }),
    // Defaults on purpose: 30 s keep-alive and request timeout, reconnection on.
  });
  await client.connect();
  await client.listGameSources();
  if (mode === 'pending') {
    const pending = client.listGameSources();
    client.dispose();
    const outcome = await pending.then(() => 'resolved', (e: unknown) => (e instanceof DisposedError ? 'disposed' : String(e)));
    if (outcome !== 'disposed') throw new Error(`pending request ended as ${outcome}`);
  } else if (mode === 'retrying') {
    const scheduled = new Promise<void>((resolve) => client.onDidChangeState((e) => e.nextRetryAt !== undefined && resolve()));
    await emulator.close();
    await scheduled;
    client.dispose();
  } else if (mode === 'connecting') {
    client.disconnect();
    const attempt = client.connect();
    client.dispose();
    await attempt.catch(() => undefined);
  } else if (mode === 'listener-disconnects') {
    // Not disposed: a disconnect() made by a listener of 'connected' must leave nothing running either.
    client.disconnect();
    client.onDidChangeState((e) => {
      if (e.state === 'connected') client.disconnect();
    });
    await client.connect();
    if (client.state !== 'disconnected') throw new Error(`state ${client.state} after the listener disconnected`);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  await emulator.close();
  process.stdout.write(`done ${mode}\n`);
}

main(process.argv[2] ?? '').catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
