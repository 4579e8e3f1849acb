/**
 * Compile validation with the project's interpreter: one python process per
 * core, each for a share of the batch, sources on stdin as JSON lines (one
 * `[path, source]` each, written as the pipe takes them: python compiles
 * while the rest is written, and no copy of the whole batch is held — on the
 * Python library that copy was 99 MB at the end of `fix --dry-run`),
 * `compile()` only (nothing is imported or run). Returns null when the interpreter cannot
 * be started.
 */
import { spawn } from 'node:child_process';
import { readdirSync, unlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { drained } from '../../workspace/files.js';
import type { CompileCheckResult } from '../adapter.js';

const CHECKER = `
import json, sys
out = {}
for line in sys.stdin:
    path, source = json.loads(line)
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        out[path] = "%s (line %s)" % (e.msg, e.lineno)
    except Exception as e:
        out[path] = "%s: %s" % (type(e).__name__, e)
json.dump(out, sys.stdout)
`;

export const DEFAULT_INTERPRETER = 'python3';

/** The adapter's compile check: `interpreter` defaults to python3; a missing interpreter skips the check and says so. */
export async function checkPythonCompiles(
  sources: readonly (readonly [string, string])[],
  options: { readonly interpreter?: string },
): Promise<CompileCheckResult> {
  const interpreter = options.interpreter ?? DEFAULT_INTERPRETER;
  const errors = await compileWithPython(interpreter, sources);
  if (errors === null) return { ran: false, note: `${interpreter} not found; compile validation skipped`, errors: new Map() };
  return { ran: true, errors };
}

/** path → compile error; files that compile are absent. null: no interpreter. */
export async function compileWithPython(python: string, sources: readonly (readonly [string, string])[]): Promise<Map<string, string> | null> {
  if (!sources.length) return new Map();
  // shares of about equal size, one process each (compiling is CPU-bound)
  const shares = Math.max(1, Math.min(availableParallelism(), Math.ceil(sources.length / 16)));
  const batches: (readonly [string, string])[][] = Array.from({ length: shares }, () => []);
  const sizes = new Array<number>(shares).fill(0);
  for (const source of [...sources].sort((a, b) => b[1].length - a[1].length)) {
    const smallest = sizes.indexOf(Math.min(...sizes));
    batches[smallest]!.push(source);
    sizes[smallest]! += source[1].length;
  }
  const results = await Promise.all(batches.map((batch) => compileBatch(python, batch)));
  if (results.some((r) => r === null)) return null;
  return new Map(results.flatMap((r) => [...r!]));
}

function compileBatch(python: string, sources: readonly (readonly [string, string])[]): Promise<Map<string, string> | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', CHECKER], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => {}); // an interpreter that exits early: its exit status says why
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') resolve(null);
      else reject(new Error(`compile check with ${python} failed: ${error.message}`));
    });
    child.on('close', (status) => {
      if (status !== 0) {
        reject(new Error(`compile check with ${python} failed: ${Buffer.concat(stderr).toString('utf8')}`));
        return;
      }
      resolve(new Map(Object.entries(JSON.parse(Buffer.concat(stdout).toString('utf8')) as Record<string, string>)));
    });
    void feed(child.stdin, sources);
  });
}

/** Writes one JSON line per source, waiting for the pipe to drain; stops when the pipe is gone (the exit status says why). */
async function feed(stdin: Writable, sources: readonly (readonly [string, string])[]): Promise<void> {
  for (const source of sources) {
    if (stdin.destroyed) return;
    if (!stdin.write(`${JSON.stringify(source)}\n`)) await drained(stdin);
  }
  if (!stdin.destroyed) stdin.end();
}

/** Null when `python -c "import sys"` runs and exits 0; else why not ("not found", "exited with 1: …"). */
export function probePython(python: string): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3,) else 1)'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT' ? 'not found' : `cannot be run (${error.code ?? error.message})`));
    child.on('close', (status, signal) => {
      if (status === 0) resolve(null);
      else {
        const last = Buffer.concat(stderr).toString('utf8').trim().split('\n').at(-1) ?? '';
        resolve(signal ? `was killed by ${signal}` : `is not a Python 3 interpreter (exit ${status}${last ? `: ${last.slice(0, 120)}` : ''})`);
      }
    });
  });
}

/**
 * Removes the bytecode CPython (and pytest's assertion rewriter) cached for
 * `files` in `__pycache__/<stem>.*.pyc`: it is validated by the source's
 * mtime in whole seconds and its size, so a file switched to other bytes of
 * the same size within a second would run the old code.
 */
export function forgetBytecode(root: string, files: readonly string[]): void {
  for (const rel of files) {
    if (!rel.endsWith('.py')) continue;
    const dir = path.join(root, path.dirname(rel), '__pycache__');
    const prefix = `${path.basename(rel, '.py')}.`;
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue; // no cache
    }
    for (const entry of entries) {
      if (!entry.startsWith(prefix) || !entry.endsWith('.pyc')) continue;
      try {
        unlinkSync(path.join(dir, entry));
      } catch {
        // gone already, or not ours to remove: the next import recompiles or re-validates it
      }
    }
  }
}
