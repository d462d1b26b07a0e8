// Keeps the emulator state in one JSON file: loads it at start (refusing a
// damaged file rather than wiping it) and writes it atomically (temp file in
// the same folder, fsync, rename) after changes. Writes never overlap: changes
// made while a write runs are folded into the next one. At start it removes
// the temp files a write cut short by kill -9 left beside the state file.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EmulatorState, StateFormatError, fromStateJson, toStateJson } from './state';

export class StateFileError extends Error {}

/** Our temp files for `file`: `.<name>.<pid>.<8 hex>.tmp` in the same folder (a rename within one folder is atomic). */
function tempFileFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes the temp files a write of ours for `file` left behind when the
 * process was killed mid-write (only names of exactly our pattern for this
 * state file: other files in the folder are never touched). Best effort: one
 * that cannot be removed is harmless, so it never stops a start. Returns how
 * many were removed. One emulator per state file: another one running on the
 * same file could lose the write in flight.
 */
export async function removeLeftoverTempFiles(file: string): Promise<number> {
  const pattern = new RegExp(`^\\.${escapeRegExp(path.basename(file))}\\.\\d+\\.[0-9a-f]{8}\\.tmp$`);
  let names: string[];
  try {
    names = await fs.readdir(path.dirname(file));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names.filter((n) => pattern.test(n))) {
    try {
      await fs.rm(path.join(path.dirname(file), name));
      removed++;
    } catch {
      // Gone already or not ours to remove: either way not in the way of the state file.
    }
  }
  return removed;
}

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
    const tmp = tempFileFor(this.file);
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
