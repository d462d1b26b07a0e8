// The harness's apt-get when another process holds the package manager's lock:
// one line that says who, then a retry, instead of apt-get's raw error. apt-get
// itself is replaced by a scripted run (locking the real dpkg on a shared
// machine is not something a test may do); its messages are apt 2.x's.
import * as assert from 'node:assert/strict';
import { aptGet, lockHolder, type AptRun } from '../support/provision';

const FRONTEND_LOCKED =
  'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n';
const LISTS_LOCKED = 'E: Could not get lock /var/lib/apt/lists/lock. It is held by process 77 (apt-get)\nE: Unable to lock directory /var/lib/apt/lists/\n';
const NOT_FOUND = 'E: Unable to locate package libnothing-dev\n';

/** A run that answers with `results` in turn and records each call's arguments. */
function scripted(results: AptRun[]): { run: (args: readonly string[]) => Promise<AptRun>; calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: async (args) => {
      calls.push([...args]);
      const next = results.shift();
      assert.ok(next, 'apt-get ran more often than scripted');
      return next;
    },
  };
}

describe('apt-get while the package manager is locked (test/support/provision)', () => {
  it('reads who holds the lock from apt-get, for the dpkg lock and the lists lock', () => {
    assert.deepEqual(lockHolder(FRONTEND_LOCKED), { pid: 4242, name: 'unattended-upgr' });
    assert.deepEqual(lockHolder(LISTS_LOCKED), { pid: 77, name: 'apt-get' });
    assert.deepEqual(lockHolder('E: Could not get lock /var/lib/dpkg/lock. Resource temporarily unavailable\n'), { pid: 0, name: 'another process' });
    assert.equal(lockHolder(NOT_FOUND), undefined);
  });

  it('says once, in one line, who holds the lock, and tries again until apt-get gets it', async () => {
    const { run, calls } = scripted([
      { status: 100, output: FRONTEND_LOCKED },
      { status: 100, output: FRONTEND_LOCKED },
      { status: 0, output: '' },
    ]);
    const lines: string[] = [];
    await aptGet(['install', '-y', 'chromium'], { run, log: (line) => lines.push(line), retryEveryMs: 1 });
    assert.equal(calls.length, 3);
    assert.deepEqual(calls[2], ['install', '-y', 'chromium']);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^The package manager is busy: unattended-upgr \(process 4242\) holds its lock\. Waiting/);
    assert.doesNotMatch(lines[0], /\n/);
  });

  it('gives up with one line naming the holder when the lock outlasts the wait', async () => {
    const { run, calls } = scripted(Array.from({ length: 50 }, () => ({ status: 100, output: LISTS_LOCKED })));
    await assert.rejects(aptGet(['update'], { run, log: () => undefined, waitMs: 30, retryEveryMs: 5 }), (err: Error) => {
      assert.match(err.message, /^apt-get update: the package manager is still locked by apt-get \(process 77\) after 0 s; try again once it has finished$/);
      return true;
    });
    assert.ok(calls.length >= 2 && calls.length < 50, `${calls.length} runs`);
  });

  it('fails at once, with apt-get\'s own last lines, when the failure is not a lock', async () => {
    const { run, calls } = scripted([{ status: 100, output: NOT_FOUND }]);
    await assert.rejects(aptGet(['install', '-y', 'libnothing-dev'], { run, log: () => assert.fail('no lock, nothing to wait for') }), /^Error: apt-get install -y libnothing-dev failed \(exit 100\): E: Unable to locate package libnothing-dev$/);
    assert.equal(calls.length, 1);
  });
});
