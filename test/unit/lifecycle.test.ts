// Lifecycle: the latest intent wins. Each begin() supersedes the one before,
// with a reason the cancelled caller can read; after dispose nothing can begin.
import * as assert from 'node:assert/strict';
import { Lifecycle, SupersededError, type IntentKind } from '../../src/sources/lifecycle';

const REASONS: [IntentKind, RegExp][] = [
  ['start', /the session started again/],
  ['signIn', /another sign-in started/],
  ['signOut', /you signed out/],
  ['connect', /another connection was started/],
  ['disconnect', /you disconnected/],
  ['reconfigure', /the server settings changed/],
  ['followElsewhere', /the sign-in changed in another window/],
  ['dispose', /the extension is shutting down/],
];

describe('Lifecycle', () => {
  it('starts with a current "start" intent of generation 0, not ended', () => {
    const l = new Lifecycle();
    assert.equal(l.latest.kind, 'start');
    assert.equal(l.latest.generation, 0);
    assert.equal(l.latest.current, true);
    assert.equal(l.ended, false);
  });

  it('begin() returns the new latest intent, one generation on, and supersedes the previous one', () => {
    const l = new Lifecycle();
    const first = l.begin('signIn');
    assert.equal(first.generation, 1);
    assert.equal(first.kind, 'signIn');
    assert.equal(l.latest, first);
    assert.equal(first.current, true);
    assert.doesNotThrow(() => first.check(), 'check() passes while it is the latest');
    const second = l.begin('signOut');
    assert.equal(second.generation, 2);
    assert.equal(l.latest, second);
    assert.equal(first.current, false);
    assert.equal(second.current, true);
  });

  it('check() of a superseded intent throws SupersededError naming the intent that replaced it', () => {
    const l = new Lifecycle();
    const first = l.begin('signIn');
    l.begin('signOut');
    l.begin('connect');
    assert.throws(
      () => first.check(),
      (err: unknown) => err instanceof SupersededError && err.by === 'signOut' && err.code === 'superseded' && err.name === 'SupersededError',
    );
  });

  for (const [kind, reason] of REASONS) {
    it(`SupersededError by "${kind}" says why: ${reason.source}`, () => {
      const err = new SupersededError(kind);
      assert.match(err.message, /^Cancelled because .+ meanwhile\.$/);
      assert.match(err.message, reason);
    });
  }

  it('dispose ends it: the dispose intent is the latest and current, every later intent is born superseded by "dispose"', () => {
    const l = new Lifecycle();
    const before = l.begin('connect');
    const disposing = l.begin('dispose');
    assert.equal(l.ended, true);
    assert.equal(before.current, false);
    assert.equal(disposing.current, true);
    const late = l.begin('signIn');
    assert.equal(late.current, false);
    assert.equal(late.kind, 'signIn');
    assert.equal(late.generation, disposing.generation + 1);
    assert.throws(() => late.check(), (err: unknown) => err instanceof SupersededError && err.by === 'dispose');
    assert.equal(l.latest, disposing, 'a late intent does not replace the dispose intent');
    assert.equal(disposing.current, true, 'nor supersede it');
  });

  it('only dispose ends it', () => {
    const l = new Lifecycle();
    for (const [kind] of REASONS) if (kind !== 'dispose') l.begin(kind);
    assert.equal(l.ended, false);
    assert.equal(l.latest.current, true);
  });
});
