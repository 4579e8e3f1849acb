/**
 * Compile validation with the project's interpreter: one python process for a
 * whole batch, sources on stdin as JSON, `compile()` only (nothing is imported
 * or run). Returns null when the interpreter cannot be started.
 */
import { spawnSync } from 'node:child_process';

const CHECKER = `
import json, sys
items = json.load(sys.stdin)
out = {}
for path, source in items:
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        out[path] = "%s (line %s)" % (e.msg, e.lineno)
    except Exception as e:
        out[path] = "%s: %s" % (type(e).__name__, e)
json.dump(out, sys.stdout)
`;

/** path → compile error; files that compile are absent. null: no interpreter. */
export function compileWithPython(python: string, sources: readonly (readonly [string, string])[]): Map<string, string> | null {
  if (!sources.length) return new Map();
  const result = spawnSync(python, ['-c', CHECKER], {
    input: JSON.stringify(sources),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) {
    if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`compile check with ${python} failed: ${result.error?.message ?? result.stderr}`);
  }
  return new Map(Object.entries(JSON.parse(result.stdout) as Record<string, string>));
}

export function pythonAvailable(python: string): boolean {
  const result = spawnSync(python, ['-c', 'pass'], { encoding: 'utf8' });
  return !result.error && result.status === 0;
}
