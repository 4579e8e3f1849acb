/**
 * action.yml, the composite GitHub Action: its shape (composite steps with a
 * shell, inputs passed as environment variables and never spliced into a
 * command line, every input used), and its check step run as the runner
 * runs it — the step's `env` with `${{ inputs.* }}` filled in, `run` under
 * bash, GITHUB_ACTION_PATH / GITHUB_OUTPUT set — in a temp workspace: SARIF
 * written and valid, annotations printed, outputs set, ssot's exit code.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { exampleRoot, mainJs, repoRoot } from '../cli/run.js';
import { sarifValidator } from '../cli/sarif.js';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  name: string;
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as Action;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `${{ inputs.name }}` → the input's value (given, else its default); no other expression is expected in an env value. */
function evaluate(value: string, inputs: Record<string, string>): string {
  return value.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => {
    assert.ok(name in action.inputs, `unknown input ${name}`);
    return inputs[name] ?? action.inputs[name]!.default ?? '';
  });
}

function runCheckStep(workspace: string, inputs: Record<string, string>) {
  const step = action.runs.steps.find((s) => s.id === 'check')!;
  const outputFile = path.join(workspace, '.github-output');
  writeFileSync(outputFile, '');
  const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(v, inputs)]));
  const result = spawnSync('bash', ['-e', '-c', step.run!], {
    cwd: workspace,
    encoding: 'utf8',
    env: { ...process.env, ...env, GITHUB_ACTION_PATH: repoRoot, GITHUB_OUTPUT: outputFile, GITHUB_WORKSPACE: workspace, NO_COLOR: '1' },
  });
  const outputs = Object.fromEntries(
    readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { ...result, outputs };
}

function workspace(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-action-'));
  dirs.push(dir);
  cpSync(exampleRoot, path.join(dir, 'services'), { recursive: true, filter: (src) => !src.includes(`${path.sep}.ssot`) });
  return dir;
}

describe('action.yml (composite GitHub Action)', () => {
  it('is a composite action whose run steps have a shell and take inputs only through env', () => {
    assert.equal(action.runs.using, 'composite');
    const used = new Set<string>();
    for (const step of action.runs.steps) {
      const text = JSON.stringify(step);
      for (const m of text.matchAll(/inputs\.([\w-]+)/g)) used.add(m[1]!);
      if (step.run === undefined) {
        assert.ok(step.uses, `${step.name}: a step runs a command or uses an action`);
        continue;
      }
      assert.equal(step.shell, 'bash', `${step.name}: composite run steps need a shell`);
      assert.doesNotMatch(step.run, /\$\{\{/, `${step.name}: no expression spliced into the command line`);
    }
    assert.deepEqual([...used].sort(), Object.keys(action.inputs).sort(), 'every input is used');
    for (const [name, output] of Object.entries(action.outputs)) assert.match(output.value, /steps\.check\.outputs\./, name);
    assert.ok(action.runs.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@')));
  });

  it('check step: valid SARIF, one annotation per finding, outputs set, exit 1 on findings; 0 with a baseline that accepts them', () => {
    const dir = workspace();
    const result = runCheckStep(dir, { path: 'services' });
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(result.outputs, { 'exit-code': '1', 'sarif-file': 'ssot.sarif' });
    const log = JSON.parse(readFileSync(path.join(dir, 'ssot.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
    // as many results and annotations as ssot check finds in the same tree
    const scan = spawnSync(process.execPath, [mainJs, 'check', path.join(dir, 'services'), '--format', 'json'], { encoding: 'utf8' });
    const expected = (JSON.parse(scan.stdout) as { findings: unknown[] }).findings.length;
    assert.ok(expected > 0);
    assert.equal(log.runs[0]!.results.length, expected);
    const annotations = result.stdout.split('\n').filter((l) => l.startsWith('::error '));
    assert.equal(annotations.length, expected);
    assert.match(annotations[0]!, /^::error file=services\/analytics_service\/analytics_core\/__init__\.py,line=7,col=69,/);

    const made = spawnSync(process.execPath, [mainJs, 'baseline', 'services'], { cwd: dir, encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const accepted = runCheckStep(dir, { path: 'services', baseline: 'services/ssot-baseline.json', 'strict-baseline': 'true' });
    assert.equal(accepted.status, 0, accepted.stderr + accepted.stdout);
    assert.equal(accepted.outputs['exit-code'], '0');
    assert.doesNotMatch(accepted.stdout, /^::error /m);
  });

  it('check step: a config error is exit 2 with no SARIF output named', () => {
    const dir = workspace();
    const result = runCheckStep(dir, { path: 'services', config: 'nope.yaml', annotations: 'false' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /nope\.yaml: config file not found/);
    assert.deepEqual(result.outputs, { 'exit-code': '2', 'sarif-file': '' });
  });
});
