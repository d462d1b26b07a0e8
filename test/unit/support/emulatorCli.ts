// Running the emulator's command line as a real child process (the tsc
// output of src/emulator/main.ts, which is what esbuild bundles into
// dist/emulator.js) and reading what it prints.
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

const MAIN = path.join(__dirname, '..', '..', '..', 'src', 'emulator', 'main.js');

export interface Run {
  child: ChildProcess;
  stdoutLines: () => string[];
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

export function run(args: string[]): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdoutLines: () => out.split('\n').filter((l) => l !== ''), stdout: () => out, stderr: () => err, exited };
}

export async function waitForLine(r: Run, pattern: RegExp, timeoutMs = 10000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of r.stdoutLines()) {
      const m = line.match(pattern);
      if (m) return m;
    }
    if (r.child.exitCode !== null) throw new Error(`exited with ${r.child.exitCode}: ${r.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no line matching ${pattern}; stdout: ${r.stdoutLines().join(' | ')}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}
