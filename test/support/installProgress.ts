// Progress of an `npm install --loglevel=http` that writes to a log file: how
// many packages npm has resolved and fetched, the last one, and how many
// modules the install scripts have put in place so far, as one short line
// every few seconds, instead of one line for the whole few minutes.
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
  let resolved = 0;
  let fetched = 0;
  let last: string | undefined;
  for (const match of log.matchAll(/^npm http (?:fetch GET \d+ |cache \S+?@)(https?:\/\/\S+)/gm)) {
    const url = match[1];
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

/** A folder whose entries count as modules put in place (e.g. a package's own node_modules that its install script fills). */
export interface WatchedFolder {
  readonly label: string;
  readonly dir: string;
}

function entries(dir: string): number {
  try {
    return fs.readdirSync(dir).filter((name) => !name.startsWith('.')).length;
  } catch {
    return 0;
  }
}

/** One progress line: what is being installed, how far, for how long. */
export function describeProgress(what: string, progress: InstallProgress, ms: number, folders: readonly { label: string; count: number }[] = []): string {
  const parts: string[] = [];
  if (progress.resolved > 0 || progress.fetched > 0) {
    parts.push(`${progress.fetched} of ${Math.max(progress.resolved, progress.fetched)} packages fetched${progress.last ? ` (last: ${progress.last})` : ''}`);
  } else {
    parts.push('resolving packages');
  }
  for (const { label, count } of folders) if (count > 0) parts.push(`${count} ${label}`);
  return `  ${what}: ${parts.join(', ')}; ${elapsed(ms)}`;
}

export interface ProgressOptions {
  readonly what: string;
  readonly logFile: string;
  readonly log: (line: string) => void;
  readonly folders?: readonly WatchedFolder[];
  /** How often to look (default 10 s); a line is printed when something moved, or every minute regardless. */
  readonly everyMs?: number;
}

/** Reports progress until the returned function is called. */
export function watchInstall(options: ProgressOptions): () => void {
  const { what, logFile, log, folders = [], everyMs = 10_000 } = options;
  const started = Date.now();
  let shown = '';
  let shownAt = started;
  const timer = setInterval(() => {
    let text = '';
    try {
      text = fs.readFileSync(logFile, 'utf8');
    } catch {
      // not written yet
    }
    const counts = folders.map(({ label, dir }) => ({ label, count: entries(dir) }));
    const line = describeProgress(what, readProgress(text), Date.now() - started, counts);
    const moved = line.replace(/; [^;]*$/, '') !== shown.replace(/; [^;]*$/, '');
    if (moved || Date.now() - shownAt >= 60_000) {
      log(moved ? line : `${line} (npm is still at work; details in ${logFile})`);
      shown = line;
      shownAt = Date.now();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
