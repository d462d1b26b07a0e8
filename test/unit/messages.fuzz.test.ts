// Seeded property-based tests of the frame decoder: well-formed frames built
// from the spec decode to exactly the fields given, and any input at all
// (adversarial JSON, binary, invalid UTF-8, not JSON) gives a typed message or
// a ProtocolError naming a field the oracle (messages.schema.ts) also refuses,
// never another exception. Set FC_SEED to replay another seed.
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { CodeTable, DEFAULT_RESPONSES, ResName } from '../../src/protocol/codes';
import { ProtocolError } from '../../src/protocol/errors';
import { decodeFrame } from '../../src/protocol/messages';
import { expectFrame, Fields, fieldPaths, Kind, MAX_TIME, Path, pathText, RESPONSES, TARGET } from './messages.schema';

const codes = CodeTable.documented;
const SEED = ((v = process.env.FC_SEED) => {
  if (v === undefined || v === '') return 42;
  if (!Number.isSafeInteger(Number(v))) throw new Error(`FC_SEED must be an integer, not "${v}".`);
  return Number(v);
})();
const NAMES = Object.keys(DEFAULT_RESPONSES) as ResName[];
/** Keys that mean something to JavaScript objects, mixed into frames to catch any decoder that reads through the prototype. */
const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'toJSON', 'hasOwnProperty', 'then', 'length', '0'];

type Obj = Record<string, unknown>;
type Sample = { wire: unknown; expected: unknown; present: boolean };

// ---- Well-formed values of each kind, with what they decode to ----

const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }));
const safeInt = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
const roundTrip = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
const json = fc.jsonValue({ maxDepth: 3 }).map(roundTrip);

const present = (wire: unknown, expected: unknown): Sample => ({ wire, expected, present: true });
/** An optional field left out, or sent as null: both decode to the field's default. */
const missing = (expected: unknown, extra: unknown[] = []): fc.Arbitrary<Sample> =>
  fc.oneof(fc.constant({ wire: undefined, expected, present: false }), ...[null, ...extra].map((wire) => fc.constant(present(wire, expected))));

const idSample = fc.oneof(text.map((s) => present(s, s)), fc.uuid().map((s) => present(s, s)), safeInt.map((n) => present(n, String(n))));
const timeSample = fc.oneof(
  fc.integer({ min: 0, max: MAX_TIME }).map((n) => present(n, n)),
  fc.integer({ min: 0, max: MAX_TIME }).map((n) => present(String(n), n)),
  fc.double({ min: 0, max: MAX_TIME, noNaN: true }).map((n) => present(n, roundTrip(n))),
  fc.tuple(fc.integer({ min: 0, max: 1e13 }), fc.integer({ min: 0, max: 999 })).map(([a, b]) => present(`${a}.${b}`, Number(`${a}.${b}`))),
);

function sampleOf(kind: Kind, budget: number): fc.Arbitrary<Sample> {
  switch (kind.k) {
    case 'id':
      return idSample;
    case 'optId':
      return fc.oneof(missing(undefined), idSample);
    case 'str':
      return text.map((s) => present(s, s));
    case 'optStr':
      return fc.oneof(missing(kind.dflt), text.map((s) => present(s, s)));
    case 'code':
      return fc.oneof(missing(kind.dflt), text.map((s) => present(s, s)), safeInt.map((n) => present(n, String(n))));
    case 'time':
      return fc.oneof(missing(undefined, ['']), timeSample);
    case 'bool':
      return fc.oneof(missing(false), fc.boolean().map((b) => present(b, b)));
    case 'arr':
      return fc.array(json, { maxLength: 3 }).map((a) => present(a, a));
    case 'optArr':
      return fc.oneof(missing([]), fc.array(json, { maxLength: 3 }).map((a) => present(a, a)));
    case 'obj':
      return fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 3 }).map((o) => present(roundTrip(o), roundTrip(o)));
    case 'optObj':
      return fc.oneof(missing({}), fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 3 }).map((o) => present(roundTrip(o), roundTrip(o))));
    case 'anyText':
      return fc.oneof(text.map((s) => present(s, s)), missing(''), json.filter((v) => typeof v !== 'string').map((v) => present(v, '')));
    case 'list':
      return listSample(kind.item, kind.optional, budget);
    case 'targets':
      return budget <= 0 ? missing([], [[]]) : listSample(TARGET, true, budget - 1);
  }
}

function listSample(item: Fields, optional: boolean, budget: number): fc.Arbitrary<Sample> {
  const items = fc.array(objectSample(item, budget), { maxLength: 3 }).map((xs) => present(xs.map((x) => x.wire), xs.map((x) => x.expected)));
  return optional ? fc.oneof(missing([]), items) : items;
}

/** An object with every field of `fields` (present or not), plus keys the decoder must ignore, including `__proto__`. */
function objectSample(fields: Fields, budget = 2): fc.Arbitrary<Sample> {
  const keys = Object.keys(fields);
  const extras = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ maxLength: 6 })), json), { maxLength: 3 });
  return fc.tuple(fc.tuple(...keys.map((k) => sampleOf(fields[k], budget))), extras).map(([samples, extra]) => {
    const wire: Obj = {};
    const expected: Obj = {};
    for (const [key, value] of extra) {
      // defineProperty, so `__proto__` becomes an own key (as JSON.parse makes it), not the prototype.
      if (!(key in fields)) Object.defineProperty(wire, key, { value, enumerable: true, writable: true, configurable: true });
    }
    keys.forEach((key, i) => {
      if (samples[i].present) wire[key] = samples[i].wire;
      expected[key] = samples[i].expected;
    });
    return present(wire, expected);
  });
}

const header = fc.oneof(
  fc.constant({ wire: undefined, t: undefined }),
  fc.integer({ min: 0, max: MAX_TIME }).map((t) => ({ wire: { t }, t })),
  fc.constant({ wire: {}, t: undefined }),
);

/** A well-formed frame of one known response, with the message it must decode to. */
const wellFormed = fc.constantFrom(...NAMES).chain((name) =>
  fc.tuple(objectSample(RESPONSES[name]), header).map(([body, h]) => {
    const frame = { ...(body.wire as Obj), res: DEFAULT_RESPONSES[name] } as Obj;
    if (h.wire !== undefined) frame.response_header = h.wire;
    return { name, frame, message: { name, res: DEFAULT_RESPONSES[name], t: h.t, body: body.expected } };
  }),
);

// ---- Adversarial JSON, as text (so it can hold 1e400, 400-digit literals and own __proto__ keys) ----

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const hugeNumber = fc.oneof(
  fc.constantFrom('1e400', '-1e400', '1e-400', '-0', '-1', '1.5', '0', '9007199254740993', '9007199254740991', '8640000000000000', '8640000000000001', '1E+21'),
  digits(1, 400).map((d) => `1${d}`),
);
const numericString = fc.oneof(
  fc.constantFrom('"abc123"', '"123abc"', '"1e3"', '" 12"', '"12 "', '"0x10"', '"Infinity"', '"NaN"', '"-5"', '"12.5"', '""', '"1."', '".5"', '"1.2.3"'),
  digits(1, 400).map((d) => `"${d}"`),
);
const longString = fc.integer({ min: 1000, max: 100_000 }).map((n) => JSON.stringify('x'.repeat(n)));
const oddString = fc.constantFrom('"\\ud800"', '"\\udc00x"', '"\\u0000"', '"\u2028"', '"__proto__"', '"toString"');
// Deep enough to be adversarial, shallow enough for assert.deepStrictEqual's recursion; messages.test.ts tries 100,000 levels.
const deepNesting = fc.integer({ min: 33, max: 400 }).chain((n) =>
  fc.constantFrom('['.repeat(n) + ']'.repeat(n), '{"a":'.repeat(n) + '1' + '}'.repeat(n), '{"target_id":"t","targets":['.repeat(n) + ']}'.repeat(n)),
);
const scalar = fc.oneof(
  fc.constantFrom('null', 'true', 'false'),
  fc.integer().map(String),
  fc.double().map((d) => JSON.stringify(d)),
  fc.string({ unit: 'binary', maxLength: 12 }).map((s) => JSON.stringify(s)),
  hugeNumber,
  numericString,
  oddString,
);
const anyKey = fc.oneof(fc.constantFrom(...ODD_KEYS), fc.constantFrom(...new Set(Object.values(RESPONSES).flatMap((f) => Object.keys(f)))), fc.string({ maxLength: 6 }));
const { value: advValue } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('array'), tie('object'), longString, deepNesting, fc.json()),
  array: fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
  object: fc.array(fc.tuple(anyKey, tie('value')), { maxLength: 5 }).map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
}));

/** A frame with a known or junk res, a junk or real header, and junk fields. */
const junkFrame = fc
  .tuple(fc.oneof(fc.constantFrom(...Object.values(DEFAULT_RESPONSES)).map(String), scalar), fc.option(advValue, { nil: undefined }), fc.array(fc.tuple(anyKey, advValue), { maxLength: 8 }))
  .map(([res, head, entries]) => {
    const parts = [`"res":${res}`, ...(head === undefined ? [] : [`"response_header":${head}`]), ...entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`)];
    return `{${parts.join(',')}}`;
  });

const HOLE = '@@decoder-fuzz-hole@@';

/** A well-formed frame with one field (or list item), anywhere in it, replaced by adversarial JSON. */
const oneFieldReplaced = fc.tuple(wellFormed, fc.nat(), advValue).map(([wf, pick, raw]) => {
  const paths = fieldPaths(RESPONSES[wf.name], wf.frame);
  if (paths.length === 0) return { path: undefined, text: JSON.stringify(wf.frame) };
  const path = paths[pick % paths.length];
  const frame = JSON.parse(JSON.stringify(wf.frame)) as Obj;
  let parent: unknown = frame;
  for (const seg of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[seg];
  (parent as Record<string | number, unknown>)[path[path.length - 1]] = HOLE;
  // A function replacer, since `raw` may hold `$&`-like text.
  return { path, text: JSON.stringify(frame).replace(`"${HOLE}"`, () => raw) };
});

// ---- Delivery: how the text reaches the decoder ----

type Delivery = { data: string | Buffer | ArrayBuffer | Buffer[]; isBinary: boolean };
const delivered = (t: string) =>
  fc.tuple(fc.constantFrom('string', 'buffer', 'arraybuffer', 'fragments'), fc.nat()).map(([how, cut]): Delivery => {
    const bytes = Buffer.from(t, 'utf8');
    if (how === 'string') return { data: t, isBinary: false };
    if (how === 'buffer') return { data: bytes, isBinary: false };
    if (how === 'arraybuffer') return { data: new Uint8Array(bytes).buffer, isBinary: false };
    const at = bytes.length === 0 ? 0 : cut % bytes.length;
    return { data: [bytes.subarray(0, at), bytes.subarray(at)], isBinary: false };
  });

const anyDelivery: fc.Arbitrary<Delivery> = fc.oneof(
  fc.oneof(advValue, junkFrame, fc.json(), fc.string({ unit: 'binary', maxLength: 40 }), wellFormed.chain((wf) => fc.nat().map((n) => JSON.stringify(wf.frame).slice(0, n % 200)))).chain(delivered),
  // Invalid UTF-8: raw bytes, and a well-formed frame with a stray byte inside a string or between tokens.
  fc.uint8Array({ maxLength: 64 }).map((b): Delivery => ({ data: Buffer.from(b), isBinary: false })),
  fc.tuple(wellFormed, fc.nat(), fc.constantFrom(0xff, 0xc3, 0x80, 0xed)).map(([wf, at, byte]): Delivery => {
    const bytes = Buffer.from(JSON.stringify(wf.frame), 'utf8');
    const i = at % (bytes.length + 1);
    return { data: Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]), isBinary: false };
  }),
  junkFrame.map((t): Delivery => ({ data: Buffer.from(t), isBinary: true })),
);

// ---- The check every case goes through ----

// Reported, not asserted (the house rule: no test fails on machine speed). CPU time is shown beside wall time,
// since on a loaded machine the wall time of one case mostly measures the scheduler.
const slowest = { wallMs: 0, cpuMs: 0, cpuChars: 0 };

function textOf(d: Delivery): string {
  const { data } = d;
  return typeof data === 'string' ? data : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
}

/** Decodes `d` and checks the outcome against the oracle; returns the field path the decoder named, if any. */
function check(d: Delivery): string | undefined {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let out: unknown;
  try {
    out = decodeFrame(d.data, d.isBinary, codes);
  } catch (err) {
    assert.fail(`decodeFrame threw instead of returning: ${err instanceof Error ? err.stack : typeof err}`);
  }
  const used = process.cpuUsage(cpu);
  const wallMs = performance.now() - started;
  const cpuMs = (used.user + used.system) / 1000;
  slowest.wallMs = Math.max(slowest.wallMs, wallMs);
  if (cpuMs > slowest.cpuMs) Object.assign(slowest, { cpuMs, cpuChars: textOf(d).length });
  if (d.isBinary) {
    assert.ok(out instanceof ProtocolError && /binary/.test(out.message));
    return undefined;
  }
  const t = textOf(d);
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    assert.ok(out instanceof ProtocolError && /not JSON/.test(out.message), `not JSON, yet: ${String(out)}`);
    return undefined;
  }
  const want = expectFrame(parsed, codes);
  if (want.ok) {
    assert.ok(!(out instanceof Error), `expected a message, got ${String(out)}`);
    assert.deepStrictEqual(out, want.message);
    return undefined;
  }
  assert.ok(out instanceof ProtocolError, `expected a ProtocolError, got ${typeof out}`);
  // Every refusal of JSON input comes from a check of the decoder's own, never from its safety net for exceptions.
  assert.equal(out.cause, undefined, `the safety net caught: ${String(out.cause)}`);
  if (want.why !== 'fields') {
    assert.match(out.message, want.why === 'res' ? /integer "res"/ : /not a JSON object/);
    return undefined;
  }
  assert.equal(out.res, want.res);
  const named = /field "([^"]*)" should be/.exec(out.message)?.[1];
  assert.ok(named !== undefined && want.paths.includes(named), `named ${named}; the oracle refuses ${want.paths.join(', ')}`);
  return named;
}

describe('messages (property-based, seed ' + SEED + ')', () => {
  after(() => console.log(`      slowest single decode: ${slowest.wallMs.toFixed(1)} ms wall; most CPU: ${slowest.cpuMs.toFixed(1)} ms for ${slowest.cpuChars} characters`));

  it('every well-formed frame of every known response decodes to exactly the fields given, via every kind of delivery', () => {
    fc.assert(
      fc.property(wellFormed.chain((wf) => delivered(JSON.stringify(wf.frame)).map((d) => ({ wf, d }))), ({ wf, d }) => {
        const out = decodeFrame(d.data, d.isBinary, codes);
        assert.deepStrictEqual(out, wf.message);
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('one field of a well-formed frame replaced by adversarial JSON: the decoder agrees with the oracle and names only a field inside the replaced one', () => {
    fc.assert(
      fc.property(oneFieldReplaced, ({ path, text: t }) => {
        const named = check({ data: t, isBinary: false });
        if (named !== undefined && path !== undefined) {
          const at = pathText(path as Path);
          assert.ok(named === at || named.startsWith(`${at}.`) || named.startsWith(`${at}[`), `replaced ${at}, but ${named} was named`);
        }
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('any input at all (adversarial JSON, junk frames, binary, invalid UTF-8, not JSON) gives a typed message or a ProtocolError, never an exception', () => {
    fc.assert(
      fc.property(anyDelivery, (d) => {
        check(d);
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });
});
