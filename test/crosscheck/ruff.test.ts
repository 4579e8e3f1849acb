/**
 * Cross-check against ruff's TID251 (flake8-tidy-imports banned-api): with
 * the same symbols banned (ssot `from M import N` ≙ ruff "M.N", `import M` ≙
 * "M"), every TID251 finding must also be an ssot finding at the same file and
 * line. ssot finds more (usages, string references, module-ban attribute
 * chains), never less. Run on the example monorepo and on a deterministic
 * sample of real third-party code: the machine's python3 standard library and
 * site-packages.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileConfig, loadConfig, type Config } from '../../src/config/compile.js';
import type { Ban } from '../../src/model/finding.js';
import { scan } from '../../src/engine/run.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** `ruff` on PATH, or `python3 -m ruff`; null when neither runs. */
function ruffCommand(): string[] | null {
  for (const command of [['ruff'], ['python3', '-m', 'ruff']]) {
    const probe = spawnSync(command[0]!, [...command.slice(1), '--version'], { encoding: 'utf8' });
    if (probe.status === 0) return command;
  }
  return null;
}
const ruff = ruffCommand();

interface Location {
  file: string;
  line: number;
}

/** TID251 findings of ruff with `banned` as banned-api, paths relative to `root`. */
function ruffBannedApi(root: string, banned: readonly string[]): Location[] {
  const configDir = mkdtempSync(path.join(tmpdir(), 'ssot-ruffcfg-'));
  try {
    const configFile = path.join(configDir, 'ruff.toml');
    const entries = banned.map((name) => `${JSON.stringify(name)} = { msg = "banned" }`).join('\n');
    writeFileSync(configFile, `[lint]\nselect = ["TID251"]\n\n[lint.flake8-tidy-imports.banned-api]\n${entries}\n`);
    const result = spawnSync(ruff![0]!, [...ruff!.slice(1), 'check', '--no-cache', '--config', configFile, '--output-format', 'json', '--exit-zero', '.'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    assert.equal(result.status, 0, result.stderr);
    const diagnostics = JSON.parse(result.stdout) as { code: string | null; filename: string; location: { row: number } }[];
    return diagnostics
      .filter((d) => d.code === 'TID251')
      .map((d) => ({ file: path.relative(root, d.filename).split(path.sep).join('/'), line: d.location.row }));
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

/** ruff's name for a ban: a symbol ban `M.N` and a module ban `M` are both just the dotted path. */
function ruffNames(bans: readonly Ban[]): string[] {
  return [...new Set(bans.map((b) => b.path))];
}

/** ruff has no allowIn, no `types:` exemption: compare with a config that has neither. */
function withoutExemptions(config: Config): Config {
  return {
    ...config,
    rules: config.rules.map((rule) => ({
      ...rule,
      allowIn: [],
      types: undefined,
      bans: rule.bans.map(({ typesPath: _types, ...ban }) => ban),
    })),
  };
}

interface Comparison {
  files: number;
  ruff: number;
  matched: number;
  ssot: number;
  missing: Location[];
}

async function compare(root: string, config: Config): Promise<Comparison> {
  const result = await scan({ root, config });
  const ssotLines = new Set(result.findings.map((f) => `${f.file}:${f.line}`));
  const suppressedLines = new Set<string>(); // `# ssot: ignore` is ssot's own suppression; ruff does not know it
  const ruffFindings = ruffBannedApi(root, ruffNames(config.rules.flatMap((r) => r.bans))).filter((loc) => {
    const line = readFileSync(path.join(root, loc.file), 'utf8').split(/\r\n|\r|\n/)[loc.line - 1] ?? '';
    if (/#\s*ssot:\s*ignore/.test(line)) suppressedLines.add(`${loc.file}:${loc.line}`);
    return !suppressedLines.has(`${loc.file}:${loc.line}`);
  });
  const missing = ruffFindings.filter((loc) => !ssotLines.has(`${loc.file}:${loc.line}`));
  return { files: result.summary.files, ruff: ruffFindings.length, matched: ruffFindings.length - missing.length, ssot: result.findings.length, missing };
}

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('every ruff TID251 finding on the example monorepo is an ssot finding (same file and line)', { skip: !ruff && 'ruff is not installed' }, async (t) => {
  const root = path.join(repoRoot, 'examples/redis-monorepo');
  const config = withoutExemptions(await loadConfig(root));
  const comparison = await compare(root, config);
  t.diagnostic(`example: ${comparison.files} files, ruff ${comparison.ruff} TID251, matched ${comparison.matched}, ssot ${comparison.ssot} findings`);
  assert.deepEqual(comparison.missing, []);
  assert.ok(comparison.ruff >= 30, `ruff found ${comparison.ruff}: is banned-api wired?`);
});

/** Where python3 keeps its standard library and its site-packages. */
function pythonLibraryDirs(): { stdlib: string; site: string } | null {
  try {
    const out = execFileSync('python3', ['-c', "import sysconfig; p = sysconfig.get_paths(); print(p['stdlib']); print(p['purelib'])"], { encoding: 'utf8' });
    const [stdlib, site] = out.trim().split('\n');
    return stdlib && site ? { stdlib, site } : null;
  } catch {
    return null;
  }
}

/** Every .py file under `dir` (posix, relative), skipping `skip` (absolute) and dot/cache folders; sorted. */
function pythonFiles(dir: string, skip: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string): void => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const childAbs = path.join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (childAbs === skip || entry.name.startsWith('.') || entry.name === '__pycache__') continue;
        walk(childAbs, childRel);
      } else if (entry.isFile() && entry.name.endsWith('.py')) out.push(childRel);
    }
  };
  walk(dir, '');
  return out.sort();
}

/**
 * Copies every k-th file (deterministic for a given Python install) into
 * `target`, with the `__init__.py` of each package on its path, so that
 * relative imports resolve for both tools.
 */
function copySample(source: string, skip: string, target: string, count: number): number {
  const all = pythonFiles(source, skip);
  const step = Math.max(1, Math.floor(all.length / count));
  const chosen = new Set(all.filter((_, i) => i % step === 0).slice(0, count));
  const have = new Set(all);
  for (const rel of [...chosen]) {
    const parts = rel.split('/');
    for (let n = 1; n < parts.length; n++) {
      const init = [...parts.slice(0, n), '__init__.py'].join('/');
      if (have.has(init)) chosen.add(init);
    }
  }
  for (const rel of chosen) {
    mkdirSync(path.dirname(path.join(target, rel)), { recursive: true });
    copyFileSync(path.join(source, rel), path.join(target, rel));
  }
  return chosen.size;
}

const BANNED = ['from typing import Optional', 'from os.path import join', 'from collections import OrderedDict', 'from json import loads', 'import subprocess'];

test('every ruff TID251 finding on a sample of the standard library and site-packages is an ssot finding', { skip: (!ruff && 'ruff is not installed') || (!pythonLibraryDirs() && 'no python3 library found'), timeout: 120_000 }, async (t) => {
  const libs = pythonLibraryDirs()!;
  const root = mkdtempSync(path.join(tmpdir(), 'ssot-ruffsample-'));
  dirs.push(root);
  const copied = copySample(libs.stdlib, libs.site, path.join(root, 'stdlib'), 1400) + copySample(libs.site, '', path.join(root, 'site'), 700);
  const configFile = path.join(root, 'ssot.config.yaml');
  writeFileSync(
    configFile,
    [
      'version: 1',
      'sourceRoots: ["stdlib", "site"]',
      'canonical:',
      '  c: "from shared import thing"',
      'rules:',
      '  - id: banned-api',
      '    deprecated:',
      ...BANNED.map((statement) => `      - "${statement}"`),
      '    replaceWith: c',
      '',
    ].join('\n'),
  );
  const config = await compileConfig((await import('../../src/config/load.js')).readRawConfig(configFile));
  const comparison = await compare(root, config);
  t.diagnostic(`sample: ${copied} files copied, ${comparison.files} scanned, ruff ${comparison.ruff} TID251, matched ${comparison.matched}, ssot ${comparison.ssot} findings`);
  assert.ok(copied >= 2000, `copied ${copied} files`);
  assert.ok(comparison.ruff >= 300, `ruff found only ${comparison.ruff}`);
  assert.deepEqual(comparison.missing.slice(0, 20), [], `${comparison.missing.length} ruff findings that ssot does not report`);
});
