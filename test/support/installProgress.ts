// Starts nothing: reads how far an `npm install --loglevel=http` of provisioning has got, for one short line every few seconds instead of silence for minutes.
import * as fs from 'node:fs';

export interface InstallProgress {
  /** Package documents fetched from the registry (one per package npm resolved). */
  readonly resolved: number;
  /** Tarballs downloaded or taken from npm's cache. */
  readonly fetched: number;
  /** The last tarball, e.g. `code-server@4.139.1`. */
  readonly last?: string;
}

/** Reads npm's http log lines: `npm http fetch GET 200 URL` (a document or a tarball) and `npm http cache NAME@URL` (a cached tarball). */
export function readProgress(log: string): InstallProgress {
  let [resolved, fetched, last] = [0, 0, undefined as string | undefined];
  for (const [, url] of log.matchAll(/^npm http (?:fetch GET \d+ |cache \S+?@)(https?:\/\/\S+)/gm)) {
    const tarball = /\/-\/([^/]+?)-(\d[^/]*)\.tgz$/.exec(url);
    if (!tarball) {
      resolved++;
      continue;
    }
    fetched++;
    const scope = /^https?:\/\/[^/]+\/(@[^/]+)\//.exec(url)?.[1];
    last = `${scope ? `${scope}/` : ''}${tarball[1]}@${tarball[2]}`;
  }
  return { resolved, fetched, last };
}

/** "1m 05s" */
export function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** A folder whose entries count as modules put in place (a package's own node_modules that its install script fills). */
export interface WatchedFolder {
  readonly label: string;
  readonly dir: string;
}

/** One progress line: what is being installed, how far, for how long. */
export function describeProgress(what: string, progress: InstallProgress, ms: number, folders: readonly { label: string; count: number }[] = []): string {
  const { resolved, fetched, last } = progress;
  const parts = [resolved > 0 || fetched > 0 ? `${fetched} of ${Math.max(resolved, fetched)} packages fetched${last ? ` (last: ${last})` : ''}` : 'resolving packages'];
  for (const { label, count } of folders) if (count > 0) parts.push(`${count} ${label}`);
  return `  ${what}: ${parts.join(', ')}; ${elapsed(ms)}`;
}

/** Reports progress until the returned function is called: every `everyMs` (10 s) when something moved, else once a minute. */
export function watchInstall(options: { what: string; logFile: string; log: (line: string) => void; folders?: readonly WatchedFolder[]; everyMs?: number }): () => void {
  const { what, logFile, log, folders = [], everyMs = 10_000 } = options;
  // Neither exists at first; once made, neither goes away while npm runs.
  const count = (dir: string): number => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => !name.startsWith('.')).length : 0);
  const text = (): string => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  const started = Date.now();
  let [shown, shownAt] = ['', started];
  const timer = setInterval(() => {
    const counts = folders.map(({ label, dir }) => ({ label, count: count(dir) }));
    const line = describeProgress(what, readProgress(text()), Date.now() - started, counts);
    const moved = line.replace(/; [^;]*$/, '') !== shown.replace(/; [^;]*$/, '');
    if (moved || Date.now() - shownAt >= 60_000) {
      log(moved ? line : `${line} (npm is still at work; details in ${logFile})`);
      [shown, shownAt] = [line, Date.now()];
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
