// Keeps the emulator state in one JSON file: loads it at start (refusing a
// damaged file rather than wiping it) and writes it atomically (temp file in
// the same folder, fsync, rename) after changes. Writes never overlap: changes
// made while a write runs are folded into the next one.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EmulatorState, StateFormatError, fromStateJson, toStateJson } from './state';

export class StateFileError extends Error {}

/** Reads the state file; undefined when it does not exist yet. */
export async function loadStateFile(file: string): Promise<EmulatorState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`Cannot read the emulator state file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new StateFileError(`The emulator state file ${file} is not valid JSON; fix or remove it (it was left untouched).`);
  }
  try {
    return fromStateJson(doc);
  } catch (err) {
    if (err instanceof StateFormatError) {
      throw new StateFileError(`The emulator state file ${file} is damaged (${err.message}); fix or remove it (it was left untouched).`);
    }
    throw err;
  }
}

/** Something that persists the state; `save()` resolves once a write that includes every change so far is on disk. */
export interface StateSaver {
  save(): Promise<void>;
  /** Waits for any write in flight (used by close()). */
  flush(): Promise<void>;
}

/** For memory-only emulators. */
export const noSaver: StateSaver = {
  save: () => Promise.resolve(),
  flush: () => Promise.resolve(),
};

export class StateFileWriter implements StateSaver {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly file: string,
    private readonly state: EmulatorState,
    private readonly onError: (err: Error) => void,
  ) {}

  save(): Promise<void> {
    // A write already queued will snapshot the state when it starts, so it covers this change too.
    if (this.next) return this.next;
    if (!this.running) {
      this.running = this.writeOnce().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    const after = this.running;
    this.next = after.then(() => {
      this.next = undefined;
      return this.save();
    });
    return this.next;
  }

  async flush(): Promise<void> {
    while (this.running || this.next) await (this.next ?? this.running);
  }

  /** Writes now and rejects on failure (used at start, so a bad path stops the start instead of failing quietly later). */
  async writeOrThrow(): Promise<void> {
    await this.flush();
    try {
      await this.write();
    } catch (err) {
      throw new StateFileError(`Cannot write the emulator state file ${this.file}: ${(err as Error).message}`);
    }
  }

  private async writeOnce(): Promise<void> {
    try {
      await this.write();
    } catch (err) {
      // A failed write must not take the server down; the next change tries again.
      this.onError(err as Error);
    }
  }

  private async write(): Promise<void> {
    const text = JSON.stringify(toStateJson(this.state), null, 1);
    const dir = path.dirname(this.file);
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const handle = await fs.open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, this.file);
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }
}
