// The reconnect schedule and the typed emitter the client is built on.
import * as assert from 'node:assert/strict';
import { backoffDelay, backoffProblem, DEFAULT_BACKOFF } from '../../src/protocol/backoff';
import { Emitter } from '../../src/protocol/events';

describe('backoffDelay', () => {
  const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };

  it('grows by the factor from the initial delay and is capped', () => {
    const schedule = Array.from({ length: 9 }, (_, i) => backoffDelay(i, noJitter));
    assert.deepEqual(schedule, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it('stays finite and capped for absurd attempt counts', () => {
    assert.equal(backoffDelay(1e9, noJitter), 60000);
    assert.equal(backoffDelay(Number.MAX_SAFE_INTEGER, DEFAULT_BACKOFF, () => 0.5), 60000);
  });

  it('moves the delay by at most ± jitter, never above the cap', () => {
    assert.equal(backoffDelay(0, DEFAULT_BACKOFF, () => 0), 750);
    assert.equal(backoffDelay(0, DEFAULT_BACKOFF, () => 0.5), 1000);
    assert.equal(backoffDelay(0, DEFAULT_BACKOFF, () => 0.999999), 1250);
    assert.equal(backoffDelay(20, DEFAULT_BACKOFF, () => 0.999999), 60000);
    assert.equal(backoffDelay(20, DEFAULT_BACKOFF, () => 0), 45000);
    for (let attempt = 0; attempt < 12; attempt++) {
      const base = backoffDelay(attempt, noJitter);
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(attempt, DEFAULT_BACKOFF);
        assert.ok(d >= Math.floor(base * 0.75) && d <= Math.min(60000, Math.ceil(base * 1.25)), `attempt ${attempt}: ${d}`);
      }
    }
  });

  it('tolerates a random source outside [0, 1)', () => {
    assert.equal(backoffDelay(0, DEFAULT_BACKOFF, () => -3), 750);
    assert.equal(backoffDelay(0, DEFAULT_BACKOFF, () => 7), 1250);
  });

  it('names the first bad option', () => {
    assert.equal(backoffProblem(DEFAULT_BACKOFF), undefined);
    assert.match(backoffProblem({ ...DEFAULT_BACKOFF, initialDelayMs: -1 }) ?? '', /initialDelayMs/);
    assert.match(backoffProblem({ ...DEFAULT_BACKOFF, maxDelayMs: 10 }) ?? '', /maxDelayMs/);
    assert.match(backoffProblem({ ...DEFAULT_BACKOFF, factor: Number.NaN }) ?? '', /factor/);
    assert.match(backoffProblem({ ...DEFAULT_BACKOFF, jitter: 1.5 }) ?? '', /jitter/);
  });
});

describe('Emitter', () => {
  it('delivers to every listener in subscription order until disposed', () => {
    const e = new Emitter<number>();
    const seen: string[] = [];
    const a = e.event((n) => seen.push(`a${n}`));
    e.event((n) => seen.push(`b${n}`));
    e.fire(1);
    a.dispose();
    e.fire(2);
    assert.deepEqual(seen, ['a1', 'b1', 'b2']);
    assert.equal(e.listenerCount, 1);
  });

  it('keeps going when a listener throws, and reports the error', () => {
    const reported: unknown[] = [];
    const e = new Emitter<string>((err) => reported.push(err));
    const seen: string[] = [];
    e.event(() => {
      throw new Error('boom');
    });
    e.event((s) => seen.push(s));
    assert.doesNotThrow(() => e.fire('x'));
    assert.deepEqual(seen, ['x']);
    assert.equal((reported[0] as Error).message, 'boom');
  });

  it('survives a reporter that throws too', () => {
    const e = new Emitter<void>(() => {
      throw new Error('reporter broken');
    });
    e.event(() => {
      throw new Error('boom');
    });
    assert.doesNotThrow(() => e.fire());
  });

  it('is not disturbed by a listener that unsubscribes another during delivery', () => {
    const e = new Emitter<void>();
    const seen: string[] = [];
    let disposeB: () => void = () => undefined;
    e.event(() => {
      seen.push('a');
      disposeB();
    });
    const b = e.event(() => seen.push('b'));
    disposeB = () => b.dispose();
    e.fire();
    e.fire();
    assert.deepEqual(seen, ['a', 'b', 'a']);
  });

  it('drops listeners on dispose and ignores later subscriptions and fires', () => {
    const e = new Emitter<number>();
    const seen: number[] = [];
    e.event((n) => seen.push(n));
    e.dispose();
    e.event((n) => seen.push(n));
    e.fire(1);
    assert.deepEqual(seen, []);
    assert.equal(e.listenerCount, 0);
  });
});
