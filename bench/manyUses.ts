/**
 * One file with very many uses of one deprecated name (sweep defect 15: a
 * 20 MB file with 142,880 uses ran 8 minutes and 3.1 GB, then overflowed
 * `Math.min(...spread)` in the planner). The issue's target: a generated
 * file with 40,000 uses (about 2.3 MB) scans — findings and every fix
 * planned, as `ssot scan` does — in under 2 seconds. Measured here, not in a
 * timed unit test: CPU time (user + sys) of a real `ssot scan`, and
 * whether it finished at all, with every finding reported.
 *
 *   node dist/bench/manyUses.js [--uses 40000] [--limit-s 120]
 *
 * Two more shapes (`--shape`) hold the same number of uses where a cost
 * per use could grow with the line or the nesting, making the whole
 * quadratic: all on one line (`one-line`: `a; a; …`), and one left-deep
 * expression (`chain`: `x = a + a + … + a`, each use nested one level
 * deeper than the next).
 *
 *   node dist/bench/manyUses.js [--uses 40000] [--shape functions|one-line|chain] [--limit-s 120]
 *
 * `npm run bench` runs all three (40,000 uses) and adds the figures to its report.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
const cli = path.resolve(here, '../cli/ssot.cjs');

const CONFIG = `version: 1
canonical:
  redis_manager: "from netra_backend.app.redis_manager import redis_manager"
rules:
  - id: redis-ssot
    deprecated:
      - "from auth_service.auth_core.redis_manager import auth_redis_manager"
    replaceWith: redis_manager
`;

export type ManyUsesShape = 'functions' | 'one-line' | 'chain';

export const MANY_USES_SHAPES: readonly ManyUsesShape[] = ['functions', 'one-line', 'chain'];

const SHAPE_WORDS: Record<ManyUsesShape, (uses: string) => string> = {
  functions: (uses) => `the import, then ${uses} functions returning the deprecated binding`,
  'one-line': (uses) => `the import, then ${uses} uses on one line, \`a; a; …\``,
  chain: (uses) => `the import, then one left-deep expression of ${uses} uses, \`x = a + a + … + a\``,
};

/**
 * The generated source: the deprecated import, then `uses` uses of the
 * deprecated binding — each in a function of its own (about 58 bytes each),
 * all on one line, or all in one chain of `+`.
 */
export function manyUsesSource(uses: number, shape: ManyUsesShape = 'functions'): string {
  const parts = ['from auth_service.auth_core.redis_manager import auth_redis_manager\n\n'];
  if (shape === 'functions') for (let i = 0; i < uses; i++) parts.push(`\ndef handler_${i}(request):\n    return auth_redis_manager\n`);
  else if (shape === 'one-line') parts.push(Array(uses).fill('auth_redis_manager').join('; '), '\n');
  else parts.push('x = ', Array(uses).fill('auth_redis_manager').join(' + '), '\n');
  return parts.join('');
}

export interface ManyUsesResult {
  readonly uses: number;
  readonly shape: ManyUsesShape;
  readonly bytes: number;
  /** Exit status of `ssot scan` (null when it was stopped at the limit). */
  readonly status: number | null;
  readonly findings: number | null;
  readonly wallS: number;
  /** CPU seconds (user + sys) of the scan process and its workers. */
  readonly cpuS: number;
  readonly maxRssMb: number | null;
  readonly limitS: number;
}

/** Generates the file in a temp tree, runs `ssot scan --format json` on it once, bounded by `limitS`. */
export function measureManyUses(uses = 40_000, limitS = 120, shape: ManyUsesShape = 'functions'): ManyUsesResult {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ssot-many-uses-'));
  try {
    writeFileSync(path.join(root, 'ssot.config.yaml'), CONFIG);
    mkdirSync(path.join(root, 'app'));
    const file = path.join(root, 'app/handlers.py');
    writeFileSync(file, manyUsesSource(uses, shape));
    const bytes = statSync(file).size;
    const started = process.hrtime.bigint();
    // /usr/bin/time -f gives CPU and peak RSS of the child when present; else wall time only
    const time = ['/usr/bin/time', '-f', '%U %S %M'];
    const haveTime = spawnSync(time[0]!, ['-f', '%U', 'true']).status === 0;
    const command = haveTime ? [...time, process.execPath, cli] : [process.execPath, cli];
    const result = spawnSync(command[0]!, [...command.slice(1), 'scan', root, '--format', 'json', '--no-cache'], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      timeout: limitS * 1000,
      killSignal: 'SIGKILL',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    let findings: number | null = null;
    try {
      findings = (JSON.parse(result.stdout) as { findings: unknown[] }).findings.length;
    } catch {
      // stopped, or crashed: no report
    }
    const last = haveTime ? (result.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number) : [];
    const cpuS = last.length === 3 && last.every(Number.isFinite) ? last[0]! + last[1]! : wallS;
    return { uses, shape, bytes, status: result.status, findings, wallS, cpuS, maxRssMb: last.length === 3 ? Math.round(last[2]! / 1024) : null, limitS };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The first result is the issue's file (the heading and target); the others are lines under it. */
export function renderManyUses(results: readonly ManyUsesResult[]): string {
  const line = (r: ManyUsesResult) => {
    const done = r.status === null ? `stopped at the ${r.limitS} s limit` : `exit ${r.status}, ${r.findings ?? '?'} findings (expected ${r.uses + 1})`;
    return `\`ssot scan\` of a generated ${(r.bytes / 1e6).toFixed(1)} MB file (${SHAPE_WORDS[r.shape](r.uses.toLocaleString('en'))}; findings and every fix planned): ${done}; ${r.cpuS.toFixed(1)} s CPU (user+sys), ${r.wallS.toFixed(1)} s wall${r.maxRssMb ? `, peak RSS ${r.maxRssMb} MB` : ''}.`;
  };
  const [first, ...others] = results;
  if (!first) return '';
  return [
    `## One file, ${first.uses.toLocaleString('en')} uses of a deprecated name`,
    '',
    `${line(first)} Target: under 2 s.`,
    '',
    ...(others.length ? ['The same number of uses where a cost per use could grow with the line or the nesting:', '', ...others.map((r) => `- ${line(r)}`), ''] : []),
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? fallback : Number(process.argv[i + 1]);
  };
  const at = process.argv.indexOf('--shape');
  const shape = (at < 0 ? 'functions' : process.argv[at + 1]) as ManyUsesShape;
  if (!MANY_USES_SHAPES.includes(shape)) {
    process.stderr.write(`manyUses: --shape must be one of ${MANY_USES_SHAPES.join(', ')}\n`);
    process.exit(2);
  }
  const result = measureManyUses(arg('--uses', 40_000), arg('--limit-s', 120), shape);
  process.stdout.write(renderManyUses([result]));
  process.exitCode = result.status === 0 && result.findings === result.uses + 1 ? 0 : 1;
}
