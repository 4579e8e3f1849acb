#!/usr/bin/env node
/**
 * Records, or compares against a recording, what `ssot scan --format json`
 * and `ssot fix --all --diff` print on the bundled example and on every bench
 * corpus — the check that a refactor changed no output byte.
 *
 *   npm run build && node scripts/output-snapshot.mjs record DIR [--quick]
 *   npm run build && node scripts/output-snapshot.mjs compare DIR [--quick]
 *
 * `record` writes one file per corpus and command into DIR; `compare` runs the
 * same commands and exits 1 naming every output that differs (and the first
 * differing line). `--quick` uses the quick bench corpora (stdlib sample,
 * synthetic 0.1×) instead of the full ones. Corpora are prepared by the bench
 * code into bench/.corpora/ and reused while unchanged. Nothing is written
 * into the scanned trees (`--no-cache`; `--diff` writes nothing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'dist/cli/ssot.cjs');
const [mode, dirArg, ...rest] = process.argv.slice(2);
if ((mode !== 'record' && mode !== 'compare') || !dirArg) {
  process.stderr.write('usage: node scripts/output-snapshot.mjs record|compare DIR [--quick]\n');
  process.exit(2);
}
if (!existsSync(CLI)) {
  process.stderr.write(`output-snapshot: ${CLI} missing — run \`npm run build\` first\n`);
  process.exit(2);
}
const quick = rest.includes('--quick');
const dir = path.resolve(dirArg);
const corporaDir = path.join(REPO, 'bench/.corpora');
const { preparePylib, prepareSynthetic } = await import(path.join(REPO, 'dist/bench/corpora.js'));
const log = (line) => process.stderr.write(`output-snapshot: ${line}\n`);

const targets = [{ name: 'example', root: path.join(REPO, 'examples/redis-monorepo') }];
if (quick) {
  targets.push(preparePylib(corporaDir, true, log), prepareSynthetic(corporaDir, 0.1, log, 'tenth'));
} else {
  targets.push(preparePylib(corporaDir, false, log));
  for (const scale of [1, 2, 4]) targets.push(prepareSynthetic(corporaDir, scale, log));
}

const commands = [
  { name: 'scan.json', args: (root) => ['scan', root, '--format', 'json', '--no-cache'] },
  { name: 'fix-all.diff', args: (root) => ['fix', root, '--all', '--diff'] },
];

mkdirSync(dir, { recursive: true });
const differences = [];
for (const target of targets) {
  for (const command of commands) {
    const started = Date.now();
    const run = spawnSync(process.execPath, [CLI, ...command.args(target.root)], { maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
    // the checkout's own path is not part of the output (a recording made in another worktree compares equal)
    const raw = Buffer.concat([run.stdout, Buffer.from(`\n-- stderr --\n`), run.stderr, Buffer.from(`\n-- exit ${run.status} --\n`)]);
    const output = Buffer.from(raw.toString('latin1').split(REPO).join('<repo>'), 'latin1');
    const file = path.join(dir, `${target.name}.${command.name}`);
    log(`${target.name} ${command.name}: exit ${run.status}, ${output.length} bytes, ${Date.now() - started} ms`);
    if (mode === 'record') {
      writeFileSync(file, output);
      continue;
    }
    if (!existsSync(file)) {
      differences.push(`${target.name} ${command.name}: no recording at ${file}`);
      continue;
    }
    const recorded = readFileSync(file);
    if (!recorded.equals(output)) {
      const a = recorded.toString('utf8').split('\n');
      const b = output.toString('utf8').split('\n');
      let line = 0;
      while (line < a.length && line < b.length && a[line] === b[line]) line++;
      differences.push(`${target.name} ${command.name}: differs at line ${line + 1}\n  recorded: ${(a[line] ?? '<end>').slice(0, 300)}\n  now:      ${(b[line] ?? '<end>').slice(0, 300)}`);
    }
  }
}
if (mode === 'compare') {
  if (differences.length) {
    process.stderr.write(`output-snapshot: ${differences.length} output(s) differ\n${differences.join('\n')}\n`);
    process.exit(1);
  }
  log(`all ${targets.length * commands.length} outputs are byte-identical to ${dir}`);
}
