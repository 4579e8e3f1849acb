/**
 * Shared by the fix tests: repository paths, file trees as data, and the real
 * tools the results are checked with (python3 `compile`, ruff F821/F823,
 * tree-sitter).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getParser } from '../../src/parsing/treeSitter.js';
import { PYTHON_GRAMMAR } from '../../src/languages/python/grammar.js';

/** The repository root (tests run from dist/test/fix). */
export const REPO = path.resolve(fileURLToPath(import.meta.url), '../../../..');

/**
 * The interpreter behind `python3`, resolved once: version-manager shims
 * (pyenv) cost a shell start per call, which adds up in the property test.
 */
export const PYTHON: string = (() => {
  const result = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() ? result.stdout.trim() : 'python3';
})();

/** The ruff binary (the one the `ruff` Python package ships, else `ruff` on PATH). */
export const RUFF: string = (() => {
  const result = spawnSync(PYTHON, ['-c', 'from ruff.__main__ import find_ruff_bin; print(find_ruff_bin())'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() ? result.stdout.trim() : 'ruff';
})();

/** Every file under `dir`, as posix paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== '__pycache__') walk(rel);
      } else if (entry.isFile()) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

export function readTree(dir: string): Map<string, Buffer> {
  return new Map(listFiles(dir).map((rel) => [rel, readFileSync(path.join(dir, rel))]));
}

/** A fresh temp dir holding a copy of `source` (without __pycache__). */
export function copyToTemp(source: string, prefix: string): string {
  const target = mkdtempSync(path.join(os.tmpdir(), prefix));
  cpSync(source, target, {
    recursive: true,
    filter: (src) => !/[/\\](__pycache__|\.pytest_cache|\.ruff_cache)$/.test(src),
  });
  return target;
}

/** Compile errors per file (python3 `compile()`, nothing imported), for sources given as text. */
export function pythonCompileErrors(sources: readonly (readonly [string, string])[]): Map<string, string> {
  const checker = [
    'import json, sys',
    'out = {}',
    'for name, source in json.load(sys.stdin):',
    '    try:',
    '        compile(source, name, "exec", dont_inherit=True)',
    '    except Exception as e:',
    '        out[name] = "%s: %s" % (type(e).__name__, e)',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const result = spawnSync(PYTHON, ['-c', checker], { input: JSON.stringify(sources), encoding: 'utf8', maxBuffer: 256 << 20 });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return new Map(Object.entries(JSON.parse(result.stdout) as Record<string, string>));
}

export interface RuffFinding {
  readonly code: string;
  readonly filename: string;
  readonly message: string;
  readonly location: { row: number; column: number };
}

/**
 * ruff F821 (undefined name) / F823 (local referenced before assignment) for
 * `files` (paths relative to `cwd`, or absolute). Uses no config file, so the
 * project's own ruff settings cannot hide anything.
 */
export function ruffUndefinedNames(cwd: string, files: readonly string[]): RuffFinding[] {
  if (!files.length) return [];
  const out: RuffFinding[] = [];
  // chunks keep the command line short on big trees
  for (let i = 0; i < files.length; i += 500) {
    const result = spawnSync(
      RUFF,
      ['check', '--isolated', '--no-cache', '--select', 'F821,F823', '--output-format', 'json', '--exit-zero', ...files.slice(i, i + 500)],
      { cwd, encoding: 'utf8', maxBuffer: 256 << 20 },
    );
    if (result.status !== 0) throw new Error(`ruff failed: ${result.error?.message ?? result.stderr}`);
    out.push(...(JSON.parse(result.stdout) as RuffFinding[]));
  }
  return out;
}

/** True when tree-sitter parses `text` without an error node. */
export async function parsesCleanly(text: string): Promise<boolean> {
  const parser = await getParser(PYTHON_GRAMMAR);
  const tree = parser.parse(text);
  if (!tree) return false;
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

export function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}
