// The keep-alive loop on its own: a ping every interval, the round trip
// reported for an answer only, the next ping after the answer (never two at
// once), and nothing at all from a stopped or restarted run.
import * as assert from 'node:assert/strict';
import { KeepAlive } from '../../src/protocol/keepAlive';
import { waitFor } from './support/wait';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A ping whose answers the test gives: each call waits until answer() or fail() settles it. */
function pinger() {
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    get waiting() {
      return pending.length;
    },
    ping: () =>
      new Promise<void>((resolve, reject) => {
        calls++;
        pending.push({ resolve, reject });
      }),
    answer: () => pending.shift()?.resolve(),
    fail: () => pending.shift()?.reject(new Error('timed out')),
  };
}

describe('KeepAlive', () => {
  const loops: KeepAlive[] = [];
  afterEach(() => {
    for (const k of loops.splice(0)) k.stop();
  });
  const make = (intervalMs: number, ping: () => Promise<unknown>, onRoundTrip: (ms: number) => void = () => undefined) => {
    const k = new KeepAlive(intervalMs, ping, onRoundTrip);
    loops.push(k);
    return k;
  };

  it('with interval 0 never pings', async () => {
    const p = pinger();
    make(0, p.ping).start();
    await pause(30);
    assert.equal(p.calls, 0);
  });

  it('pings after the interval, reports the round trip of an answer, and pings again only after it', async () => {
    const p = pinger();
    const trips: number[] = [];
    const k = make(10, p.ping, (ms) => trips.push(ms));
    assert.equal(k.awaitingAnswer, false, 'before it starts');
    k.start();
    assert.equal(k.awaitingAnswer, false);
    await waitFor(() => p.calls === 1, 'the first ping');
    assert.equal(k.awaitingAnswer, true);
    await pause(40);
    assert.equal(p.calls, 1, 'no second ping while the first waits for its answer');
    await pause(5);
    p.answer();
    await waitFor(() => trips.length === 1, 'the round trip');
    assert.ok(trips[0] >= 40, `the round trip counts from the ping (${trips[0]} ms)`);
    assert.equal(k.awaitingAnswer, false);
    await waitFor(() => p.calls === 2, 'the next ping');
  });

  it('reports no round trip for a ping that fails, and goes on pinging', async () => {
    const p = pinger();
    const trips: number[] = [];
    const k = make(10, p.ping, (ms) => trips.push(ms));
    k.start();
    await waitFor(() => p.calls === 1, 'the first ping');
    p.fail();
    await waitFor(() => p.calls === 2, 'a ping after the failed one');
    assert.deepEqual(trips, []);
    assert.equal(k.awaitingAnswer, true);
  });

  it('stop() while a ping waits: not awaiting any more, and its late answer reports and schedules nothing', async () => {
    const p = pinger();
    const trips: number[] = [];
    const k = make(10, p.ping, (ms) => trips.push(ms));
    k.start();
    await waitFor(() => p.calls === 1, 'the first ping');
    k.stop();
    assert.equal(k.awaitingAnswer, false);
    p.answer();
    await pause(50);
    assert.deepEqual(trips, []);
    assert.equal(p.calls, 1);
  });

  it('stop() from the round-trip listener ends the loop: no further ping', async () => {
    const p = pinger();
    let trips = 0;
    const k = make(10, p.ping, () => {
      trips++;
      k.stop();
    });
    k.start();
    await waitFor(() => p.calls === 1, 'the first ping');
    p.answer();
    await waitFor(() => trips === 1, 'the round trip');
    await pause(60);
    assert.equal(p.calls, 1);
  });

  it('stop() before the interval ends: no ping at all', async () => {
    const p = pinger();
    const k = make(20, p.ping);
    k.start();
    k.stop();
    await pause(60);
    assert.equal(p.calls, 0);
  });

  it('start() again restarts the loop: one loop, and the old run\'s answer is ignored', async () => {
    const p = pinger();
    const trips: number[] = [];
    const k = make(10, p.ping, (ms) => trips.push(ms));
    k.start();
    await waitFor(() => p.calls === 1, 'the first ping');
    k.start();
    assert.equal(k.awaitingAnswer, false);
    p.answer(); // the old run's ping
    await waitFor(() => p.calls === 2, "the new run's ping");
    assert.deepEqual(trips, [], "the old run's answer is not reported");
    await pause(40);
    assert.equal(p.calls, 2, 'only the new run pings, and it waits for its answer');
    p.answer();
    await waitFor(() => trips.length === 1, "the new run's round trip");
  });
});
