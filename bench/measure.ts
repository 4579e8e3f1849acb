/**
 * One timed invocation of a command: wall time and peak RSS of the child
 * process, taken with wait4() in a small python3 wrapper (python3 is needed
 * for the pylib corpus anyway, and it gives the child's own rusage on every
 * Linux without GNU time). Stdout goes to a file so that reading it never
 * slows the tool down.
 */
import { execFileSync } from 'node:child_process';

const WRAPPER = String.raw`
import json, os, subprocess, sys, time
out, cwd, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, 'wb') as sink:
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.PIPE, cwd=cwd)
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
print(json.dumps({'wall': wall, 'maxrssKb': usage.ru_maxrss, 'user': usage.ru_utime, 'sys': usage.ru_stime,
                  'code': child.returncode, 'stderr': err[-4000:].decode('utf-8', 'replace')}))
`;

export interface Measurement {
  /** Seconds from spawn to exit. */
  readonly wall: number;
  /** Peak resident set size of the child, in MB. */
  readonly maxRssMb: number;
  /** CPU seconds (user + system) of the child. */
  readonly cpu: number;
  readonly code: number;
  readonly stderr: string;
}

export function measure(command: readonly string[], options: { cwd: string; stdoutFile: string; env?: NodeJS.ProcessEnv }): Measurement {
  const raw = execFileSync('python3', ['-c', WRAPPER, options.stdoutFile, options.cwd, ...command], {
    encoding: 'utf8',
    env: options.env ?? process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const data = JSON.parse(raw) as { wall: number; maxrssKb: number; user: number; sys: number; code: number; stderr: string };
  return { wall: data.wall, maxRssMb: data.maxrssKb / 1024, cpu: data.user + data.sys, code: data.code, stderr: data.stderr };
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: NaN, min: NaN, max: NaN, n };
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median, min: sorted[0]!, max: sorted[n - 1]!, n };
}
