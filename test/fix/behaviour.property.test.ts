/**
 * Property: the behaviour checks (languages/python/compat.ts) hold on generated
 * trees. A deprecated class `legacy.store.Store` and a canonical class
 * `app.store.SharedStore` with its shared instance `store` (rule: class →
 * instance) differ in members — methods on one side only, sync on one side
 * and async on the other, different required parameters, class attributes,
 * properties, private state — and caller modules construct `Store()` (or
 * `legacy_store.Store()` / `legacy.store.Store()` through a module import) and use
 * it: call members with 0–3 arguments, read attributes, compare by identity,
 * read `_private` state.
 *
 * Members are stateless and return what their arguments were, so a fresh
 * `Store()` and the shared `store` are observably equal wherever a fix is
 * behaviour-equivalent; the one deliberate difference is private state (the
 * shared instance has been used: `_state` is 1, a new object's is 0). Every
 * tree runs under python3 before and after `computeFixes` (safe fixes only):
 * for each file the fix changed, the printed trace (raised exception types
 * included) must be the same. Each outcome the planner can give (safe, and
 * manual/unsafe per reason) is counted and must occur, so the property cannot
 * pass vacuously. Bounded: a fixed seed, a run count and a time limit.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { compileConfig, type Config } from '../../src/config/compile.js';
import { computeFixes } from '../../src/engine/fix.js';
import { PYTHON } from './helpers.js';

// ---------------------------------------------------------------------------
// the two classes

const MEMBER_NAMES = ['get', 'fetch', 'put', 'mode', 'size'] as const;
type MemberName = (typeof MEMBER_NAMES)[number];
type Member =
  | { kind: 'absent' }
  | { kind: 'method'; async: boolean; required: number; optional: number }
  | { kind: 'attr' }
  | { kind: 'property' };
interface Side {
  members: Record<MemberName, Member>;
  /** `self._state` set in `__init__`. */
  privateState: boolean;
}

const memberArb: fc.Arbitrary<Member> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Member>({ kind: 'absent' }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant<'method'>('method'), async: fc.boolean(), required: fc.integer({ min: 0, max: 2 }), optional: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 1, arbitrary: fc.constant<Member>({ kind: 'attr' }) },
  { weight: 1, arbitrary: fc.constant<Member>({ kind: 'property' }) },
);
const sideArb: fc.Arbitrary<Side> = fc.record({
  members: fc.record(Object.fromEntries(MEMBER_NAMES.map((n) => [n, memberArb])) as Record<MemberName, fc.Arbitrary<Member>>),
  privateState: fc.boolean(),
});

/** A class body: every member returns what it was given (stateless), the same on both sides. */
function renderClass(name: string, side: Side): string[] {
  const lines = [`class ${name}:`];
  for (const m of MEMBER_NAMES) {
    const member = side.members[m];
    if (member.kind === 'attr') lines.push(`    ${m} = "value-${m}"`);
  }
  lines.push('', '    def __init__(self):', '        self.public = "public"');
  if (side.privateState) lines.push('        self._state = 0');
  for (const m of MEMBER_NAMES) {
    const member = side.members[m];
    if (member.kind === 'property') lines.push('', '    @property', `    def ${m}(self):`, `        return "value-${m}"`);
    if (member.kind === 'method') {
      const params = [
        ...Array.from({ length: member.required }, (_, i) => `p${i}`),
        ...Array.from({ length: member.optional }, (_, i) => `p${member.required + i}=None`),
      ];
      const names = Array.from({ length: member.required + member.optional }, (_, i) => `p${i}`);
      lines.push(
        '',
        `    ${member.async ? 'async ' : ''}def ${m}(${['self', ...params].join(', ')}):`,
        `        return ("${m}", [p for p in (${names.join(', ')}${names.length === 1 ? ',' : ''}) if p is not None])`,
      );
    }
  }
  return lines;
}

// ---------------------------------------------------------------------------
// the callers

type Use =
  | { kind: 'call'; member: MemberName; args: number; assigned: boolean }
  | { kind: 'read'; member: MemberName | 'public'; assigned: boolean }
  | { kind: 'private'; assigned: boolean }
  | { kind: 'identity'; form: 'is-fresh' | 'is-none' | 'id' | 'is-not-assigned' };

const useArb: fc.Arbitrary<Use> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant<'call'>('call'), member: fc.constantFrom(...MEMBER_NAMES), args: fc.integer({ min: 0, max: 3 }), assigned: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant<'read'>('read'), member: fc.constantFrom<MemberName | 'public'>(...MEMBER_NAMES, 'public'), assigned: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<'private'>('private'), assigned: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<'identity'>('identity'), form: fc.constantFrom<'is-fresh' | 'is-none' | 'id' | 'is-not-assigned'>('is-fresh', 'is-none', 'id', 'is-not-assigned') }) },
);
interface Tree {
  deprecated: Side;
  canonical: Side;
  /** One caller module per entry, one function per use. */
  callers: Caller[];
}
/** How a caller reaches the class: its name, or an attribute chain through a module import. */
type ImportForm = 'name' | 'module-alias' | 'dotted';
interface Caller {
  form: ImportForm;
  uses: Use[];
}
const IMPORTS: Record<ImportForm, { statement: string; ref: string }> = {
  name: { statement: 'from legacy.store import Store', ref: 'Store' },
  'module-alias': { statement: 'import legacy.store as legacy_store', ref: 'legacy_store.Store' },
  dotted: { statement: 'import legacy.store', ref: 'legacy.store.Store' },
};
const treeArb: fc.Arbitrary<Tree> = fc.record({
  deprecated: sideArb,
  canonical: sideArb,
  callers: fc.array(
    fc.record({ form: fc.constantFrom<ImportForm>('name', 'name', 'module-alias', 'dotted'), uses: fc.array(useArb, { minLength: 1, maxLength: 2 }) }),
    { minLength: 2, maxLength: 4 },
  ),
});

function renderUse(use: Use, Store: string): string[] {
  const args = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1)).join(', ');
  const on = (assigned: boolean, tail: string) => (assigned ? [`    x = ${Store}()`, `    return x${tail}`] : [`    return ${Store}()${tail}`]);
  switch (use.kind) {
    case 'call':
      return on(use.assigned, `.${use.member}(${args(use.args)})`);
    case 'read':
      return on(use.assigned, `.${use.member}`);
    case 'private':
      return on(use.assigned, '._state');
    case 'identity':
      switch (use.form) {
        case 'is-fresh':
          return [`    return ${Store}() is ${Store}()`];
        case 'is-none':
          return [`    return ${Store}() is None`];
        case 'id':
          return [`    return id(${Store}()) == id(${Store}())`];
        case 'is-not-assigned':
          return [`    x = ${Store}()`, `    y = ${Store}()`, '    return x is not y'];
      }
  }
}

const SHOW = [
  'import asyncio, inspect',
  '',
  '',
  'def _t(label, fn):',
  '    try:',
  '        v = fn()',
  '        if inspect.iscoroutine(v):',
  '            v = ("awaited", asyncio.run(v))',
  '        elif callable(v):',
  '            v = "callable"',
  '        print(label, repr(v))',
  '    except Exception as e:',
  '        print(label, "raised", type(e).__name__)',
  '',
].join('\n');

function renderCaller({ form, uses }: Caller): string {
  const { statement, ref } = IMPORTS[form];
  const lines = [statement, ''];
  uses.forEach((use, i) => lines.push('', `def u${i}():`, ...renderUse(use, ref)));
  lines.push('', '', SHOW);
  uses.forEach((_, i) => lines.push(`_t("u${i}", u${i})`));
  return `${lines.join('\n')}\n`;
}

function renderTree(tree: Tree): Record<string, string> {
  const files: Record<string, string> = {
    'app/__init__.py': '',
    // the shared instance has been used: its private state is not a new object's
    'app/store.py': [...renderClass('SharedStore', tree.canonical), '', '', 'store = SharedStore()', ...(tree.canonical.privateState ? ['store._state = 1'] : []), ''].join('\n'),
    'legacy/__init__.py': '',
    'legacy/store.py': `${renderClass('Store', tree.deprecated).join('\n')}\n`,
  };
  tree.callers.forEach((caller, i) => (files[`c${i}.py`] = renderCaller(caller)));
  return files;
}

// ---------------------------------------------------------------------------

const CONFIG_YAML = `version: 1
language: python
sourceRoots: ["."]
canonical:
  store: "from app.store import store"
rules:
  - id: store
    deprecated: ["from legacy.store import Store"]
    replaceWith: store
    allowIn: ["legacy/**", "app/**"]
`;

/** Runs each (label, root, file) with `root` on sys.path and a fresh import of app/legacy: the printed trace. */
const RUNNER = `
import contextlib, io, json, runpy, sys, warnings
warnings.simplefilter("ignore")
sys.dont_write_bytecode = True
out = {}
for label, root, path in json.load(sys.stdin):
    for m in [k for k in sys.modules if k.split(".")[0] in ("app", "legacy")]:
        del sys.modules[m]
    sys.path.insert(0, root)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            runpy.run_path(path, run_name="__main__")
        except Exception as e:
            print("module raised", type(e).__name__)
    sys.path.remove(root)
    out[label] = buf.getvalue()
json.dump(out, sys.stdout)
`;

/** The reason of a finding, as the category the property must see at least once. */
function category(fix: string | undefined, reason: string | undefined): string {
  if (fix === 'safe') return 'safe';
  const r = reason ?? '';
  if (/which neither/.test(r)) return 'manual: missing on both';
  if (/does not have/.test(r)) return 'manual: missing on canonical';
  if (/`async`/.test(r)) return 'manual: sync vs async';
  if (/do not fit/.test(r)) return 'unsafe: arguments';
  if (/compared by identity/.test(r)) return 'unsafe: identity';
  if (/private state/.test(r)) return 'unsafe: private state';
  return `${fix ?? 'none'}: other`;
}
const REQUIRED = ['safe', 'safe: chain', 'manual: missing on both', 'manual: missing on canonical', 'manual: sync vs async', 'unsafe: arguments', 'unsafe: identity', 'unsafe: private state'];

let work: string;
let config: Config;

before(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'ssot-behaviour-'));
  const file = path.join(work, 'ssot.config.yaml');
  writeFileSync(file, CONFIG_YAML);
  const { readRawConfig } = await import('../../src/config/load.js');
  config = await compileConfig(readRawConfig(file));
});

after(() => rmSync(work, { recursive: true, force: true }));

function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}


let sample = 0;
test('generated class → instance trees: no safe fix changes what a caller prints or raises', async (t) => {
  const counts: Record<string, number> = {};
  const stats = { runs: 0, filesChanged: 0 };
  const property = fc.asyncProperty(treeArb, async (tree) => {
    const files = renderTree(tree);
    const root = path.join(work, `case${sample++}`);
    const fixedRoot = `${root}-after`;
    try {
      writeTree(root, files);
      const run = await computeFixes({ root, config, unsafe: false, compileCheck: false });
      stats.runs++;
      for (const f of run.findings) {
        if (f.kind !== 'usage') continue;
        counts[category(f.fix, f.reason)] = (counts[category(f.fix, f.reason)] ?? 0) + 1;
        if (f.local.includes('.') && f.fix === 'safe') counts['safe: chain'] = (counts['safe: chain'] ?? 0) + 1;
      }
      const fixed = { ...files };
      const changed: string[] = [];
      for (const f of run.files) {
        assert.notEqual(f.status, 'refused', `validation refused the planned fix of ${f.file}: ${f.reason}`);
        if (f.status === 'changed') {
          fixed[f.file] = f.updated!.toString('utf8');
          changed.push(f.file);
        }
      }
      if (!changed.length) return true;
      stats.filesChanged += changed.length;
      writeTree(fixedRoot, fixed);
      const jobs = changed.flatMap((rel) => [
        [`before:${rel}`, root, path.join(root, rel)],
        [`after:${rel}`, fixedRoot, path.join(fixedRoot, rel)],
      ]);
      const result = spawnSync(PYTHON, ['-c', RUNNER], { input: JSON.stringify(jobs), encoding: 'utf8', timeout: 30_000 });
      if (result.status !== 0) throw new Error(`runner failed: ${result.stderr}`);
      const traces = JSON.parse(result.stdout) as Record<string, string>;
      for (const rel of changed) {
        const was = traces[`before:${rel}`]!;
        const now = traces[`after:${rel}`]!;
        const safe = run.findings.filter((f) => f.file === rel && f.fix === 'safe').map((f) => `  line ${f.line}: ${f.reason ?? ''}`);
        assert.equal(
          now,
          was,
          `a safe fix changed behaviour in ${rel}\n--- legacy/store.py\n${files['legacy/store.py']}--- app/store.py\n${files['app/store.py']}--- ${rel} before\n${files[rel]}--- ${rel} after\n${fixed[rel]}--- safe findings\n${safe.join('\n')}\n--- traces (before, after)\n${was}---\n${now}`,
        );
      }
      return true;
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(fixedRoot, { recursive: true, force: true });
    }
  });
  const started = Date.now();
  const details = await fc.check(property, {
    seed: Number(process.env.FC_SEED ?? 20261202),
    numRuns: Number(process.env.FC_RUNS ?? 60),
    interruptAfterTimeLimit: 25_000,
    markInterruptAsFailure: false,
  });
  if (details.failed) assert.fail(`${String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance)}\n(seed ${details.seed}, path ${details.counterexamplePath})`);
  t.diagnostic(`trees ${stats.runs}, files changed ${stats.filesChanged}, ${((Date.now() - started) / 1000).toFixed(1)} s; outcomes ${JSON.stringify(counts)}`);
  for (const c of REQUIRED) assert.ok((counts[c] ?? 0) > 0, `the generator never produced "${c}": ${JSON.stringify(counts)}`);
});
