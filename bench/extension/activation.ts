// What the extension hosts of a code-server user-data folder wrote: which
// hosts have started (each window reload starts a new one), and the
// extension's own "Activated:" line (module evaluation and activate() times,
// measured by the extension itself: see esbuild.mjs's banner and footer).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXTENSION_ID } from '../../test/support/paths';

export interface ActivationFigures {
  /** Evaluating dist/extension.js (banner to footer marks). */
  readonly moduleMs?: number;
  /** The activate() function itself. */
  readonly activateMs?: number;
  /** VS Code's work between the two (creating the context). */
  readonly gapMs?: number;
}

/** Every file called `name` under the folder's logs/, oldest session first. */
function logFiles(userDataDir: string, accept: (dir: string, name: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (accept(dir, entry.name)) found.push(full);
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return found;
}

/** The extension host logs (one per host started so far). */
export function extensionHostLogs(userDataDir: string): string[] {
  return logFiles(userDataDir, (_dir, name) => name === 'remoteexthost.log' || name === 'exthost.log');
}

/** A host not in `known` whose log says it has started its startup extensions, if any. */
export function newReadyHost(userDataDir: string, known: ReadonlySet<string>): string | undefined {
  return extensionHostLogs(userDataDir).find((file) => !known.has(file) && fs.readFileSync(file, 'utf8').includes('Eager extensions activated'));
}

/** Every "Activated:" line of the extension, in every host's log so far. */
export function activationLines(userDataDir: string): string[] {
  return logFiles(userDataDir, (dir, name) => name === 'Instamrkt.log' && path.basename(dir) === EXTENSION_ID).flatMap((file) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('Activated:'))
      .map((l) => l.trim()),
  );
}

const number = (text: string | undefined): number | undefined => (text === undefined || text === '?' ? undefined : Number(text));

export function parseActivationLine(line: string): ActivationFigures | undefined {
  const m = /Activated: module evaluation ([\d.]+|\?) ms, activate\(\) ([\d.]+|\?) ms; VS Code between them ([\d.]+|\?) ms/.exec(line);
  return m ? { moduleMs: number(m[1]), activateMs: number(m[2]), gapMs: number(m[3]) } : undefined;
}
