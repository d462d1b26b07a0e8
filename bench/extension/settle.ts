// Waiting, before a measured click, until the workbench has finished starting:
// the machine is quiet, or, on a machine shared with other people's work
// (which never is), at least our own processes are (this benchmark, its
// code-servers, extension hosts and Chromium). Linux /proc only; elsewhere
// it returns at once and says it could not tell.
import * as fs from 'node:fs';

/** Quiet: this share of the whole machine's CPU time idle over one window… */
const MACHINE_IDLE_SHARE = 0.85;
/** …or our own process tree using less than this much of one CPU. */
const OWN_CPU_SHARE = 0.05;
const WINDOW_MS = 1000;
const DEADLINE_MS = 30_000;
/** USER_HZ: the unit of /proc's CPU times (100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

export interface Settled {
  /** Idle share of the machine over the last window (0–1); undefined without /proc. */
  readonly machineIdle?: number;
  /** CPUs our process tree used over the last window (0.05 = 5 % of one). */
  readonly ownCpu?: number;
  readonly waitedMs: number;
  /** False when the deadline passed first: the reading that follows is marked. */
  readonly quiet: boolean;
}

/** Total and idle CPU ticks of the whole machine so far (idle + iowait: time nobody wanted the CPU). */
function machineTicks(): { total: number; idle: number } | undefined {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { total: fields.reduce((a, b) => a + b, 0), idle: fields[3] + (fields[4] ?? 0) };
  } catch {
    return undefined;
  }
}

/** CPU ticks (user + system) used so far by this process and every descendant still running. */
function ownTicks(): number | undefined {
  let names: string[];
  try {
    names = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return undefined;
  }
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of names) {
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid … utime stime …": comm may hold spaces and parentheses.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(rest[1]));
      ticks.set(Number(name), Number(rest[11]) + Number(rest[12]));
    } catch {
      // The process ended while we looked.
    }
  }
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parent) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let sum = 0;
  const queue = [process.pid];
  while (queue.length) {
    const pid = queue.pop() as number;
    sum += ticks.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return sum;
}

export async function waitUntilSettled(): Promise<Settled> {
  const started = Date.now();
  for (;;) {
    const m0 = machineTicks();
    const o0 = ownTicks();
    if (!m0 || o0 === undefined) return { waitedMs: 0, quiet: false };
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const m1 = machineTicks();
    const o1 = ownTicks();
    if (!m1 || o1 === undefined) return { waitedMs: Date.now() - started, quiet: false };
    const machineIdle = m1.total > m0.total ? (m1.idle - m0.idle) / (m1.total - m0.total) : 0;
    // A process that ended during the window takes its ticks with it: never below zero.
    const ownCpu = Math.max(0, o1 - o0) / TICKS_PER_SECOND / (WINDOW_MS / 1000);
    const quiet = machineIdle >= MACHINE_IDLE_SHARE || ownCpu < OWN_CPU_SHARE;
    const waitedMs = Date.now() - started;
    if (quiet || waitedMs >= DEADLINE_MS) return { machineIdle, ownCpu, waitedMs, quiet };
  }
}

/** "quiet after 3.1 s (machine 12% idle, ours 2% of a CPU)" */
export function describeSettled(s: Settled): string {
  const figures = s.machineIdle === undefined ? 'no /proc to tell' : `machine ${Math.round(s.machineIdle * 100)}% idle, ours ${Math.round((s.ownCpu ?? 0) * 100)}% of a CPU`;
  return `${s.quiet ? 'quiet' : 'NOT quiet'} after ${(s.waitedMs / 1000).toFixed(1)} s (${figures})`;
}
