// dispose() (and disconnect()) leave nothing behind: a process whose only client
// was disposed exits on its own, long before any of the client's 30-second timers would fire.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const SCRIPT = path.join(__dirname, 'support', 'disposeExit.js');

function runChild(mode: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [SCRIPT, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Far below the client's 30 s defaults: a leaked timer or socket keeps the child alive past this.
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('InstamrktClient.dispose', () => {
  const when: Record<string, string> = {
    pending: 'disposed while a request is pending',
    retrying: 'disposed while a reconnect is scheduled',
    connecting: 'disposed while a connection attempt is under way',
    'listener-disconnects': 'disconnected by a listener of the change to connected (no keep-alive left running)',
  };
  for (const mode of Object.keys(when)) {
    it(`lets the process exit when ${when[mode]}`, async () => {
      const { code, stdout, stderr, ms } = await runChild(mode);
      assert.equal(code, 0, `child failed (${ms} ms): ${stderr}`);
      assert.equal(stdout.trim(), `done ${mode}`);
      assert.ok(ms < 10_000);
    });
  }
});
