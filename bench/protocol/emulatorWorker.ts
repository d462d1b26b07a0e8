// The emulator in a worker thread of the memory benchmark: in the same
// process, but on its own V8 heap, so what the emulator keeps (it never
// deletes a closed source) is not counted as the client's growth.
// workerData: the users to add; posts { url, wsUrl } once listening and
// closes the emulator when told 'close'.
import { parentPort, workerData } from 'node:worker_threads';
import { startEmulator, type EmulatorUser } from '../../src/emulator/server';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('emulatorWorker.js runs in a worker thread');
  const emulator = await startEmulator({ port: 0, seed: 'empty', users: (workerData as { users: EmulatorUser[] }).users });
  port.on('message', (message: unknown) => {
    if (message === 'close') void emulator.close().then(() => port.close());
  });
  port.postMessage({ url: emulator.url, wsUrl: emulator.wsUrl });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
