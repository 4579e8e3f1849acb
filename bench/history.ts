/**
 * The history benchmark: a month of daily commits on the synthetic monorepo
 * (bench/.corpora/<corpus>-history, a git repository made from the corpus:
 * day 0 the corpus as generated, then one commit per day touching 1% of the
 * files — a comment appended, so every touched file is a new blob the
 * history must read and, where it imports a ban, parse; then `git gc`, as a
 * real repository is mostly packed). Measured: one cold
 * `ssot scan` of the last commit's tree, one cold `ssot history --every day`
 * over the 30 days (30 points), and the same history with its cache.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Corpus } from './corpora.js';
import { measure, summarize, type Measurement } from './measure.js';

export const HISTORY_DAYS = 30;
/** Of every 100 Python files, this many change each day. */
const TOUCHED_PER_100 = 1;
const STAMP = '.bench-history-stamp.json';
const DAY_ZERO = Date.UTC(2026, 0, 1, 12, 0, 0);

export interface HistoryBench {
  readonly corpus: string;
  readonly root: string;
  readonly files: number;
  readonly commits: number;
  readonly touchedPerDay: number;
  readonly scan: Measurement[];
  readonly cold: Measurement[];
  readonly cached: Measurement[];
  /** From the cold run's JSON: versions seen, processed, points. */
  readonly stats: { versions: number; processed: number; parsedFiles: number; points: number };
}

function pyFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== '.ssot') out.push(...pyFiles(root, rel));
    } else if (entry.name.endsWith('.py')) out.push(rel);
  }
  return out.sort();
}

function git(cwd: string, args: string[], day: number): void {
  const date = new Date(DAY_ZERO + day * 86_400_000).toISOString();
  // no automatic gc in the background while the commits are made (it would hold gc's lock for the final gc)
  execFileSync('git', ['-c', 'gc.auto=0', ...args], {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_CONFIG_NOSYSTEM: '1' },
  });
}

/** The git repository of a month of daily commits, made once per corpus version (stamped). */
export function prepareHistoryRepo(corpus: Corpus, corporaDir: string, log: (line: string) => void): { root: string; files: number; touchedPerDay: number } {
  const root = path.join(corporaDir, `${corpus.name}-history`);
  const key = JSON.stringify({ corpus: corpus.name, files: corpus.files, bytes: corpus.bytes, days: HISTORY_DAYS, touched: TOUCHED_PER_100, v: 2 });
  const stamp = path.join(root, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === key) {
    const files = pyFiles(root).length;
    return { root, files, touchedPerDay: Array.from({ length: files }, (_, i) => i).filter((i) => i % 100 === 1).length };
  }
  log(`making ${path.basename(root)}: ${HISTORY_DAYS} daily commits`);
  rmSync(root, { recursive: true, force: true });
  cpSync(corpus.root, root, { recursive: true, filter: (src) => !/[/\\](\.ssot|\.git)$/.test(src) });
  writeFileSync(path.join(root, '.gitignore'), `${STAMP}\n.ssot/\n`);
  git(root, ['init', '-q', '-b', 'main'], 0);
  git(root, ['add', '-A'], 0);
  git(root, ['commit', '-q', '-m', 'day 0'], 0);
  const files = pyFiles(root);
  let touched = 0;
  for (let day = 1; day < HISTORY_DAYS; day++) {
    // a deterministic 1%: every file whose index ≡ day (mod 100)
    const chosen = files.filter((_, i) => i % 100 === day % 100);
    for (const rel of chosen) writeFileSync(path.join(root, rel), `${readFileSync(path.join(root, rel), 'utf8')}# touched on day ${day}\n`);
    touched = chosen.length;
    git(root, ['add', '-A'], day);
    git(root, ['commit', '-q', '-m', `day ${day}`], day);
  }
  // packed, as a real repository's objects mostly are (loose objects cost a file each to read)
  git(root, ['gc', '-q'], HISTORY_DAYS);
  writeFileSync(stamp, key);
  return { root, files: files.length, touchedPerDay: touched };
}

export function benchHistory(corpus: Corpus, corporaDir: string, outDir: string, cli: string, runs: number, log: (line: string) => void): HistoryBench {
  const { root, files, touchedPerDay } = prepareHistoryRepo(corpus, corporaDir, log);
  const env = { ...process.env, CI: '1' };
  const since = new Date(DAY_ZERO - 3600_000).toISOString().slice(0, 10);
  const out = (name: string) => path.join(outDir, `${corpus.name}.history.${name}`);
  const scanCmd = [process.execPath, cli, 'scan', root, '--format', 'json', '--no-cache'];
  const coldCmd = [process.execPath, cli, 'history', root, '--since', since, '--every', 'day', '--format', 'json', '--no-cache'];
  const warmCmd = [process.execPath, cli, 'history', root, '--since', since, '--every', 'day', '--format', 'json'];
  const result = { scan: [] as Measurement[], cold: [] as Measurement[], cached: [] as Measurement[] };
  rmSync(path.join(root, '.ssot'), { recursive: true, force: true });
  measure(warmCmd, { cwd: root, stdoutFile: out('warm.json'), env }); // fills the history cache, untimed
  for (let run = 0; run < runs; run++) {
    result.scan.push(measure(scanCmd, { cwd: root, stdoutFile: out('scan.json'), env }));
    result.cold.push(measure(coldCmd, { cwd: root, stdoutFile: out('cold.json'), env }));
    result.cached.push(measure(warmCmd, { cwd: root, stdoutFile: out('warm.json'), env }));
    const m = (list: Measurement[]) => `${list.at(-1)!.wall.toFixed(2)} s (cpu ${list.at(-1)!.cpu.toFixed(2)} s)`;
    log(`${corpus.name} history: run ${run + 1}/${runs}: scan ${m(result.scan)}, history cold ${m(result.cold)}, cached ${m(result.cached)}`);
  }
  for (const [name, list] of Object.entries(result)) {
    for (const m of list) if (m.code !== 0) throw new Error(`history bench: ${name} exited with ${m.code}: ${m.stderr.slice(-500)}`);
  }
  const cold = JSON.parse(readFileSync(out('cold.json'), 'utf8')) as { points: unknown[]; stats: { versions: number; processed: number; parsedFiles: number } };
  const warm = JSON.parse(readFileSync(out('warm.json'), 'utf8')) as { points: { total: number }[] };
  const coldTotals = (cold.points as { total: number }[]).map((p) => p.total);
  if (JSON.stringify(coldTotals) !== JSON.stringify(warm.points.map((p) => p.total))) throw new Error('history bench: the cached series differs from the cold one');
  return {
    corpus: corpus.name,
    root,
    files,
    commits: HISTORY_DAYS,
    touchedPerDay,
    ...result,
    stats: { versions: cold.stats.versions, processed: cold.stats.processed, parsedFiles: cold.stats.parsedFiles, points: cold.points.length },
  };
}

export function renderHistoryBench(h: HistoryBench): string[] {
  const s = (list: Measurement[]) => summarize(list.map((m) => m.wall));
  const c = (list: Measurement[]) => summarize(list.map((m) => m.cpu));
  const row = (name: string, list: Measurement[]) => `| ${name} | ${s(list).median.toFixed(2)} (${s(list).min.toFixed(2)}–${s(list).max.toFixed(2)}) | ${c(list).median.toFixed(2)} | ${(c(list).median / c(h.scan).median).toFixed(2)} |`;
  return [
    '## History (`ssot history`)',
    '',
    `${h.corpus} as a git repository of ${h.commits} daily commits (bench/history.ts): day 0 the corpus, then each day ${h.touchedPerDay} of its ${h.files} Python files changed (1%). \`ssot history --every day\` gives ${h.stats.points} points; it saw ${h.stats.versions} distinct file versions (path, bans, blob) across them, read ${h.stats.processed} from git and parsed ${h.stats.parsedFiles}. CPU time (user + system of the process and its children) is the figure to compare on a shared machine; wall time in seconds, median (min–max).`,
    '',
    '| run | wall s | CPU s | CPU ÷ one scan |',
    '|---|---:|---:|---:|',
    row('`ssot scan --no-cache` (the last commit)', h.scan),
    row(`\`ssot history --every day --no-cache\` (${h.stats.points} points)`, h.cold),
    row('`ssot history --every day` (history cache filled)', h.cached),
    '',
  ];
}
