/**
 * The baseline ratchet end to end: entries keyed by scope and text (edits
 * above and reformatting do not churn them), a new violation fails and is
 * named, a fixed one is stale (and pruned), two branches' baselines merge
 * with git's union driver without conflict, and SARIF carries
 * `baselineState` and validates against the official schema.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { mainJs, runCli, tempDir } from './run.js';
import { sarifValidator } from './sarif.js';

const CONFIG = `version: 1
language: python
sourceRoots: ["."]
canonical:
  manager: "from app.redis import redis_manager"
rules:
  - id: redis
    deprecated: ["from legacy.redis import RedisManager"]
    replaceWith: manager
`;

const SERVICE = `from legacy.redis import RedisManager


class Service:
    def start(self):
        return RedisManager(url="redis://")

    def stop(self, manager=RedisManager):
        return manager


def helper():
    def inner():
        return RedisManager()

    return inner


@decorate(RedisManager)
def decorated():
    pass
`;

const OTHER = 'from legacy.redis import RedisManager\n\nshared = RedisManager()\n';

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid', GIT_CONFIG_NOSYSTEM: '1' };

function git(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
}

function tree(files: Record<string, string> = {}): string {
  const dir = tempDir('baseline');
  for (const [rel, text] of Object.entries({ 'ssot.config.yaml': CONFIG, 'svc/service.py': SERVICE, 'svc/other.py': OTHER, ...files })) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function write(dir: string, rel: string, text: string): void {
  writeFileSync(path.join(dir, rel), text);
}

interface Entry {
  file: string;
  scope: string;
  kind: string;
  text: string;
  occurrence: number;
}

function entries(dir: string): Entry[] {
  return (JSON.parse(readFileSync(path.join(dir, 'ssot-baseline.json'), 'utf8')) as { entries: (Entry | null)[] }).entries.filter((e): e is Entry => e !== null);
}

describe('ssot baseline / check --baseline', () => {
  it('records each finding by rule, file, enclosing scope, kind, text and occurrence; one entry per line, sorted', () => {
    const dir = tree();
    const made = runCli(['baseline', dir]);
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, /ssot-baseline\.json: 7 entries in 2 files\n$/);
    assert.deepEqual(
      entries(dir).map((e) => `${e.file} ${e.scope || '<module>'} ${e.kind} ${e.text} #${e.occurrence}`),
      [
        'svc/other.py <module> import RedisManager #0',
        'svc/other.py <module> usage RedisManager #0',
        'svc/service.py <module> import RedisManager #0',
        'svc/service.py <module> usage RedisManager #0', // the decorator runs at module level
        'svc/service.py Service usage RedisManager #0', // a default value is evaluated in the class body
        'svc/service.py Service.start usage RedisManager #0',
        'svc/service.py helper.inner usage RedisManager #0',
      ],
    );
    const lines = readFileSync(path.join(dir, 'ssot-baseline.json'), 'utf8').split('\n');
    const entryLines = lines.filter((l) => l.startsWith('    {'));
    assert.equal(entryLines.length, 7);
    assert.ok(entryLines.every((l) => l.endsWith('},')), 'every entry line ends with a comma');
    assert.deepEqual([...entryLines].sort(), entryLines, 'sorted');
    const check = runCli(['check', dir, '--baseline', path.join(dir, 'ssot-baseline.json')]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /7 findings accepted by the baseline/);
  });

  it('lines inserted above a finding and reformatting do not churn the baseline', () => {
    const dir = tree();
    assert.equal(runCli(['baseline', dir]).status, 0);
    const before = readFileSync(path.join(dir, 'ssot-baseline.json'), 'utf8');
    write(dir, 'svc/service.py', `"""Docs."""\nimport os\n\n\n${SERVICE.replace('return RedisManager(url="redis://")', 'return RedisManager(\n            url="redis://",\n        )').replace('manager=RedisManager', 'manager = RedisManager')}`);
    write(dir, 'svc/other.py', `# a comment\n\n${OTHER.replace('shared = RedisManager()', 'shared=RedisManager( )')}`);
    const check = runCli(['check', dir, '--baseline', path.join(dir, 'ssot-baseline.json'), '--strict-baseline']);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.equal(runCli(['baseline', dir]).status, 0);
    assert.equal(readFileSync(path.join(dir, 'ssot-baseline.json'), 'utf8'), before, 'regenerating it changes no byte');
  });

  it('a new violation fails with exit 1 and is named; a fixed one is stale, reported, and pruned', () => {
    const dir = tree();
    assert.equal(runCli(['baseline', dir]).status, 0);
    const baseline = path.join(dir, 'ssot-baseline.json');
    write(dir, 'svc/service.py', SERVICE.replace('    def stop(', '    def restart(self):\n        return RedisManager(url="redis://other")\n\n    def stop('));
    // concise: one `path:line:col  rule  message` line per finding (the default text groups them by file)
    const failed = runCli(['check', dir, '--baseline', baseline, '--format', 'concise']);
    assert.equal(failed.status, 1, failed.stdout + failed.stderr);
    const lines = failed.stdout.split('\n').filter((l) => /^svc\//.test(l));
    assert.equal(lines.length, 1, failed.stdout);
    assert.match(lines[0]!, /^svc\/service\.py:9:16  redis  `RedisManager` uses deprecated `legacy\.redis\.RedisManager` \(call-with-args\)/);

    // the new one goes; one old one is fixed by hand
    write(dir, 'svc/service.py', SERVICE);
    write(dir, 'svc/other.py', 'from app.redis import redis_manager\n\nshared = redis_manager\n');
    const stale = runCli(['check', dir, '--baseline', baseline]);
    assert.equal(stale.status, 0, stale.stdout);
    assert.match(stale.stdout, /2 baseline entries no longer occur \(stale\):\n {2}svc\/other\.py {2}baseline entry no longer occurs: redis import `RedisManager` \(#1\)/);
    const strict = runCli(['check', dir, '--baseline', baseline, '--strict-baseline']);
    assert.equal(strict.status, 1);
    // a run of other files does not call these entries stale
    const oneFile = runCli(['check', path.join(dir, 'svc/service.py'), '--baseline', baseline, '--strict-baseline']);
    assert.equal(oneFile.status, 0, oneFile.stdout + oneFile.stderr);

    const pruned = runCli(['baseline', dir, '--prune']);
    assert.equal(pruned.status, 0, pruned.stderr);
    assert.match(pruned.stdout, /removed 2 stale entries, 5 kept/);
    assert.ok(entries(dir).every((e) => e.file !== 'svc/other.py'));
    // --prune never adds: a new violation stays new
    write(dir, 'svc/other.py', OTHER);
    assert.equal(runCli(['baseline', dir, '--prune']).status, 0);
    assert.equal(entries(dir).length, 5);
    assert.equal(runCli(['check', dir, '--baseline', baseline]).status, 1);
  });

  /** main, and two branches: a fixes other.py and accepts a new finding in service.py; b fixes third.py and accepts one in fourth.py. */
  function twoBranches(attributes: string, config: string[][] = []): string {
    const dir = tree({ '.gitattributes': attributes, 'svc/third.py': OTHER, 'svc/fourth.py': OTHER });
    assert.equal(runCli(['baseline', dir]).status, 0);
    for (const args of [['init', '-q', '-b', 'main'], ...config, ['add', '-A'], ['commit', '-qm', 'baseline']]) assert.equal(git(dir, ...args).status, 0);
    const fixed = 'from app.redis import redis_manager\n\nshared = redis_manager\n';
    const branch = (name: string, fix: string, accept: [string, string]) => {
      assert.equal(git(dir, 'checkout', '-q', '-b', name, 'main').status, 0);
      write(dir, fix, fixed);
      write(dir, accept[0], accept[1]);
      assert.equal(runCli(['baseline', dir]).status, 0);
      assert.equal(git(dir, 'commit', '-qam', name).status, 0);
    };
    branch('a', 'svc/other.py', ['svc/service.py', `${SERVICE}\n\nlate = RedisManager()\n`]);
    branch('b', 'svc/third.py', ['svc/fourth.py', `${OTHER}again = RedisManager()\n`]);
    assert.equal(git(dir, 'checkout', '-q', 'main').status, 0);
    assert.equal(git(dir, 'merge', '-q', '--no-edit', 'a').status, 0);
    const merged = git(dir, 'merge', '--no-edit', 'b');
    assert.equal(merged.status, 0, merged.stdout + merged.stderr);
    const text = readFileSync(path.join(dir, 'ssot-baseline.json'), 'utf8');
    assert.doesNotMatch(text, /^[<=>]{7}/m, 'no conflict markers');
    JSON.parse(text); // still valid JSON
    return dir;
  }

  it("two branches' baselines merge without conflict with merge=union; an entry it brings back is stale and pruned", () => {
    const dir = twoBranches('ssot-baseline.json merge=union\n');
    const baseline = path.join(dir, 'ssot-baseline.json');
    const check = runCli(['check', dir, '--baseline', baseline]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.equal(runCli(['baseline', dir, '--prune']).status, 0);
    assert.equal(runCli(['check', dir, '--baseline', baseline, '--strict-baseline']).status, 0);
    assert.deepEqual([...new Set(entries(dir).map((e) => e.file))].sort(), ['svc/fourth.py', 'svc/service.py']);
  });

  it("the ssot merge-baseline driver merges two branches' baselines exactly", () => {
    const driver = `${process.execPath} ${mainJs} merge-baseline %O %A %B`;
    const dir = twoBranches('ssot-baseline.json merge=ssot-baseline\n', [['config', 'merge.ssot-baseline.driver', driver]]);
    const check = runCli(['check', dir, '--baseline', path.join(dir, 'ssot-baseline.json'), '--strict-baseline']);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.deepEqual([...new Set(entries(dir).map((e) => e.file))].sort(), ['svc/fourth.py', 'svc/service.py']);
  });

  it('SARIF marks every result new / unchanged (nothing dropped) and stale entries absent, and validates', () => {
    const dir = tree();
    assert.equal(runCli(['baseline', dir]).status, 0);
    write(dir, 'svc/other.py', `${OTHER}late = RedisManager(url="x")\n`);
    const out = runCli(['check', dir, '--baseline', path.join(dir, 'ssot-baseline.json'), '--format', 'sarif']);
    assert.equal(out.status, 1, out.stderr);
    const log = JSON.parse(out.stdout) as { runs: { results: { baselineState: string; ruleIndex: number; message: { text: string } }[] }[] };
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const states = log.runs[0]!.results.map((r) => r.baselineState).sort();
    assert.deepEqual(states, ['new', ...Array(7).fill('unchanged')]);

    write(dir, 'svc/other.py', 'x = 1\n');
    const absent = JSON.parse(runCli(['check', dir, '--baseline', path.join(dir, 'ssot-baseline.json'), '--format', 'sarif']).stdout) as typeof log;
    assert.ok(validate(absent), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.deepEqual(absent.runs[0]!.results.filter((r) => r.baselineState === 'absent').length, 2);
  });

  it('a bad baseline file is one clear line and exit 2', () => {
    const dir = tree();
    write(dir, 'ssot-baseline.json', '{"tool": "ssot", "baseline": 1, "entries": [\n<<<<<<< HEAD\n]}\n');
    const bad = runCli(['check', dir, '--baseline', path.join(dir, 'ssot-baseline.json')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^error: .*ssot-baseline\.json: the baseline is not valid JSON/m);
    const missing = runCli(['check', dir, '--baseline', path.join(dir, 'nope.json')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.json: cannot read the baseline \(no such file\)\nhint: write one with `ssot baseline`/);
  });
});
