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

  it('accepts every option at its bound (0 ms, a cap equal to the first delay, factor 1, jitter 0 and 1)', () => {
    for (const o of [{ initialDelayMs: 0 }, { initialDelayMs: 500, maxDelayMs: 500 }, { factor: 1 }, { jitter: 0 }, { jitter: 1 }]) {
      assert.equal(backoffProblem({ ...DEFAULT_BACKOFF, ...o }), undefined, JSON.stringify(o));
    }
  });

  it('refuses each option just past its bound or not finite, with its message', () => {
    const problem = (o: Partial<typeof DEFAULT_BACKOFF>) => backoffProblem({ ...DEFAULT_BACKOFF, ...o });
    for (const initialDelayMs of [-0.001, Infinity, Number.NaN]) assert.equal(problem({ initialDelayMs, maxDelayMs: Infinity }), 'reconnect.initialDelayMs must be a number ≥ 0');
    for (const maxDelayMs of [999.9, Infinity, Number.NaN]) assert.equal(problem({ maxDelayMs }), 'reconnect.maxDelayMs must be a number ≥ initialDelayMs');
    for (const factor of [0.999, Infinity]) assert.equal(problem({ factor }), 'reconnect.factor must be a number ≥ 1');
    for (const jitter of [-0.001, 1.001, Infinity, Number.NaN]) assert.equal(problem({ jitter }), 'reconnect.jitter must be between 0 and 1');
  });

  it('treats a negative or fractional attempt as the whole attempt below it (never below the first)', () => {
    assert.equal(backoffDelay(-5, noJitter), 1000);
    assert.equal(backoffDelay(1.9, noJitter), 2000);
    assert.equal(backoffDelay(2.5, noJitter), 4000);
  });

  it('never shrinks the delay for a factor below 1, and clamps a jitter outside [0, 1]', () => {
    assert.deepEqual([0, 1, 2].map((a) => backoffDelay(a, { ...noJitter, factor: 0.5 })), [1000, 1000, 1000]);
    assert.equal(backoffDelay(0, { ...DEFAULT_BACKOFF, jitter: 3 }, () => 0), 0);
    assert.equal(backoffDelay(0, { ...DEFAULT_BACKOFF, jitter: 3 }, () => 0.75), 1500);
    assert.equal(backoffDelay(0, { ...DEFAULT_BACKOFF, jitter: -1 }, () => 0), 1000);
  });

  it('rounds to whole milliseconds and stays within the cap for a jitter that would pass it', () => {
    assert.equal(backoffDelay(0, { initialDelayMs: 10, maxDelayMs: 60_000, factor: 2, jitter: 0.25 }, () => 0.13), 8);
    assert.equal(backoffDelay(0, { initialDelayMs: 1000, maxDelayMs: 1100, factor: 2, jitter: 0.5 }, () => 0.99), 1100);
    assert.equal(backoffDelay(1001, { initialDelayMs: 1, maxDelayMs: 5000, factor: 2, jitter: 0 }), 5000);
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
