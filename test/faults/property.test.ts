/**
 * A seeded property: whatever happens to real fixture files — random bytes
 * spliced in, truncation at any byte, deep nesting around them, lines
 * shuffled, a coding line or BOM put in front — `ssot scan` (with every
 * finding's fix planned) and the fix engine never fail with an internal
 * error: every file is clean, has findings, or is skipped with a reason
 * that is not a bug. Bounded: a fixed seed, a run count, small files.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/compile.js';
import { computeFixes } from '../../src/engine/fix.js';
import { scan } from '../../src/engine/run.js';
import { cleanUp, REPO, tree } from './helpers.js';

after(cleanUp);

const FIXTURES = path.join(REPO, 'test/fixtures/fix');
const CONFIG_SOURCE = path.join(FIXTURES, 'class-to-instance/ssot.config.yaml');

/** Every `before/` file of the fix fixtures that the class-to-instance rule can see (same banned modules). */
function seeds(): Buffer[] {
  const out: Buffer[] = [];
  for (const fixture of readdirSync(FIXTURES)) {
    const before = path.join(FIXTURES, fixture, 'before');
    let names: string[];
    try {
      names = readdirSync(before).filter((n) => n.endsWith('.py'));
    } catch {
      continue;
    }
    for (const name of names) out.push(readFileSync(path.join(before, name)));
  }
  return out;
}

const SEEDS = seeds();

type Mutation =
  | { kind: 'splice'; at: number; bytes: Uint8Array }
  | { kind: 'truncate'; at: number }
  | { kind: 'nest'; depth: number; open: '(' | '[' | '{' }
  | { kind: 'shuffle'; seed: number }
  | { kind: 'prefix'; text: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('nest' as const), depth: fc.integer({ min: 1, max: 5000 }), open: fc.constantFrom('(' as const, '[' as const, '{' as const) }),
  fc.record({ kind: fc.constant('shuffle' as const), seed: fc.nat() }),
  fc.record({
    kind: fc.constant('prefix' as const),
    text: fc.constantFrom('\ufeff', '# -*- coding: latin-1 -*-\n', '# coding: cp1252\n', '# coding: nonsense\n', '\ufeff# coding: latin-1\n', '\r\n\r\n', '\t', '\\\n', '"""\n'),
  }),
);

const CLOSE = { '(': ')', '[': ']', '{': '}' } as const;

function mutate(source: Buffer, mutation: Mutation): Buffer {
  switch (mutation.kind) {
    case 'splice': {
      const at = mutation.at % (source.length + 1);
      return Buffer.concat([source.subarray(0, at), Buffer.from(mutation.bytes), source.subarray(at)]);
    }
    case 'truncate':
      return source.subarray(0, mutation.at % (source.length + 1));
    case 'nest':
      return Buffer.concat([Buffer.from(`x = ${mutation.open.repeat(mutation.depth)}\n`), source, Buffer.from(`\n${CLOSE[mutation.open].repeat(mutation.depth)}\n`)]);
    case 'shuffle': {
      const lines = source.toString('latin1').split('\n');
      let state = mutation.seed || 1;
      for (let i = lines.length - 1; i > 0; i--) {
        state = (state * 1103515245 + 12345) & 0x7fffffff;
        const j = state % (i + 1);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      }
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    default:
      return Buffer.concat([Buffer.from(mutation.text, 'utf8'), source]);
  }
}

const fileArb = fc.record({ seed: fc.nat({ max: SEEDS.length - 1 }), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) });

test('random bytes, truncations and nestings of real fixture files never give an internal error (scan and fix)', async () => {
  assert.ok(SEEDS.length > 20, `${SEEDS.length} seed files`);
  const dir = tree('property', {}, null);
  writeFileSync(path.join(dir, 'ssot.config.yaml'), readFileSync(CONFIG_SOURCE));
  const config = await loadConfig(dir);
  let run = 0;
  const details = await fc.check(
    fc.asyncProperty(fc.array(fileArb, { minLength: 1, maxLength: 4 }), async (files) => {
      const root = path.join(dir, `run${run++}`);
      mkdirSync(root);
      files.forEach((file, i) => {
        const bytes = file.mutations.reduce((b, m) => mutate(b, m), SEEDS[file.seed]!);
        writeFileSync(path.join(root, `f${i}.py`), bytes);
      });
      const scanned = await scan({ root, config, annotate: true, workers: 0 });
      const fixed = await computeFixes({ root, config, compileCheck: false });
      for (const problem of [...scanned.errors, ...scanned.warnings, ...fixed.errors]) {
        assert.doesNotMatch(problem.message, /internal error/, `${problem.file}: ${problem.message}`);
      }
      for (const file of fixed.files) assert.doesNotMatch(file.reason ?? '', /internal error/, `${file.file}: ${file.reason}`);
    }),
    { seed: Number(process.env.FC_SEED ?? 20261202), numRuns: Number(process.env.FC_RUNS ?? 60), interruptAfterTimeLimit: 40_000 },
  );
  if (details.failed) assert.fail(`${String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance)}\n(seed ${details.seed}, path ${details.counterexamplePath})`);
});
