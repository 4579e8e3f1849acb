/**
 * Human output of `ssot scan` / `ssot check`, as the best linters lay it out
 * (ruff, ESLint's stylish): findings grouped under their file, one short line
 * each (`line:col  rule  message  [fix]`, with the reason of a manual or
 * unsafe finding on its line), each rule's advice once at the end, the
 * service × phase table and a summary line. `renderConcise` is the
 * one-line-per-finding `path:line:col` form (clickable in editors and
 * terminals); `renderStatistics` counts by rule, kind and reason, as ruff's
 * `--statistics`. Pure: colours and the terminal width come in as
 * parameters, so tests and pipes get plain, unwrapped text.
 */
import type { ScanResult } from '../engine/run.js';
import { UNASSIGNED, type Finding, type UsageCategory } from '../model/finding.js';
import { NO_COLORS, visibleLength, type Colors } from '../text/colors.js';
import { plural } from '../text/plural.js';
import { textTable } from '../text/table.js';
import { wordsOf, wrapWords } from '../text/wrap.js';

export interface TextOptions {
  /** False leaves out the per-file warning/error lines (the CLI prints those on stderr when the report goes to a terminal). */
  readonly problems?: boolean;
  /** Terminal width in columns: long lines wrap at spaces to fit. Undefined (pipes, files): no wrapping. */
  readonly width?: number;
}

/** What a usage category means, in the words a finding line uses. */
const USAGE_WORDS: Record<UsageCategory, string> = {
  'call-no-args': 'call, no arguments',
  'call-with-args': 'call with arguments',
  attribute: 'attribute',
  annotation: 'annotation',
  isinstance: 'isinstance',
  spec: 'mock spec',
  'base-class': 'base class',
  'assignment-target': 'assigned to',
  other: 'reference',
};

/** One finding in a few words: what is deprecated here (the canonical import is said once per rule, at the end). */
export function shortMessage(f: Pick<Finding, 'kind' | 'symbol' | 'local' | 'usage'> & Partial<Pick<Finding, 'boundary'>>): string {
  switch (f.kind) {
    case 'import': {
      const last = f.symbol.split('.').pop();
      const alias = f.local && f.local !== '*' && f.local !== last && f.local !== f.symbol ? ` as \`${f.local}\`` : '';
      return `import of deprecated \`${f.symbol}\`${alias}`;
    }
    case 'usage':
      return `use of \`${f.local}\` (${USAGE_WORDS[f.usage ?? 'other']})`;
    case 'boundary':
      return `import of \`${f.symbol}\`${f.boundary ? ` (service ${f.boundary.toService})` : ''} crosses a service boundary`;
    default:
      return `string refers to deprecated \`${f.symbol}\``;
  }
}

/** `[safe]`, or `[manual: why]` / `[unsafe: why]`: the reason sits on the finding's own line. */
function fixTag(f: Finding): string | undefined {
  if (!f.fix) return undefined;
  return f.fix !== 'safe' && f.reason ? `[${f.fix}: ${f.reason}]` : `[${f.fix}]`;
}

function paintFix(f: Finding, colors: Colors): (s: string) => string {
  return f.fix === 'safe' ? colors.green : f.fix === 'unsafe' ? colors.yellow : f.fix === 'manual' ? colors.cyan : colors.dim;
}

/** The grouped report (the default `text` format). */
export function renderText(result: ScanResult, colors: Colors = NO_COLORS, options: TextOptions = {}): string {
  const out: string[] = [];
  const { findings } = result;
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    let list = byFile.get(f.file);
    if (!list) byFile.set(f.file, (list = []));
    list.push(f);
  }
  for (const [file, list] of byFile) {
    const first = list[0]!;
    const where = [first.service, first.phase === null ? null : `phase ${first.phase}`].filter((x) => x !== null).join(' · ');
    // the service and phase stay together, on the next line when the path leaves no room
    out.push(...wrapWords([colors.bold(file), ...(where ? [` ${colors.dim(where)}`] : [])], { width: options.width, indent: 2 }));
    const posWidth = Math.max(...list.map((f) => `${f.line}:${f.column}`.length));
    const ruleWidth = Math.max(...list.map((f) => f.rule.length));
    for (const f of list) {
      const prefix = `  ${`${f.line}:${f.column}`.padEnd(posWidth)}  ${colors.yellow(f.rule.padEnd(ruleWidth))}  `;
      const used = visibleLength(prefix);
      const tag = fixTag(f);
      const tagWords = tag ? wordsOf(tag, paintFix(f, colors)) : [];
      // two spaces set the applicability apart from the message, as the columns before it
      if (tagWords.length) tagWords[0] = ` ${tagWords[0]}`;
      const words = [...wordsOf(shortMessage(f)), ...tagWords];
      // continuation lines start under the message, unless that leaves too little room
      const widest = Math.max(...words.map(visibleLength));
      const indent = options.width !== undefined && (used > options.width / 2 || used + widest > options.width) ? 6 : used;
      const lines = wrapWords(words, { width: options.width, firstUsed: used, indent });
      out.push(prefix + lines[0], ...lines.slice(1));
    }
    out.push('');
  }
  if (findings.length) {
    const ruleIds = new Set(findings.map((f) => f.rule));
    for (const rule of result.rules.filter((r) => ruleIds.has(r.id))) {
      const head = `${colors.yellow(rule.id)}: use \`${rule.canonical}\``;
      out.push(...wrapWords(wordsOf(head), { width: options.width, indent: 2 }));
      if (rule.message) out.push(...wrapWords(wordsOf(rule.message), { width: options.width, firstUsed: 2, indent: 2 }).map((l, i) => (i === 0 ? `  ${l}` : l)));
    }
    if (result.rules.some((r) => ruleIds.has(r.id))) out.push('');
    out.push(serviceByPhaseTable(findings, colors), '');
  }
  if (options.problems !== false) out.push(...problemLines(result, colors));
  out.push(...wrapWords(summaryLine(result, colors).split(' '), { width: options.width, indent: 2 }));
  return `${out.join('\n')}\n`;
}

/** `112 findings in 32 files: 78 safe, 0 unsafe, 34 manual — run `ssot fix` to apply the 78 safe fixes`. */
export function summaryLine(result: ScanResult, colors: Colors = NO_COLORS): string {
  const { findings, summary } = result;
  if (!findings.length) return colors.green(`no findings in ${plural(summary.files, 'file')}`);
  const head = `${plural(findings.length, 'finding')} in ${plural(summary.filesWithFindings, 'file')}`;
  if (!findings.some((f) => f.fix)) return colors.bold(head);
  const safe = findings.filter((f) => f.fix === 'safe').length;
  const unsafe = findings.filter((f) => f.fix === 'unsafe').length;
  const manual = findings.length - safe - unsafe;
  const next = safe
    ? `run \`ssot fix\` to apply the ${plural(safe, 'safe fix', 'safe fixes')}`
    : unsafe
      ? 'review, then run `ssot fix --unsafe`'
      : 'each needs a person (the reasons are on the lines above)';
  return `${colors.bold(`${head}: ${safe} safe, ${unsafe} unsafe, ${manual} manual`)} — ${next}`;
}

function problemLines(result: ScanResult, colors: Colors): string[] {
  return [
    ...result.warnings.map((w) => `${colors.yellow('warning')}: ${w.file}: ${w.message}`),
    ...result.errors.map((e) => `${colors.red('error')}: ${e.file}: ${e.message}`),
  ];
}

function serviceByPhaseTable(findings: readonly Finding[], colors: Colors): string {
  const phases = [...new Set(findings.map((f) => f.phase ?? UNASSIGNED))].sort(naturalCompare);
  const services = [...new Set(findings.map((f) => f.service ?? UNASSIGNED))].sort();
  const rows = services.map((service) => {
    const cells = phases.map((phase) =>
      String(findings.filter((f) => (f.service ?? UNASSIGNED) === service && (f.phase ?? UNASSIGNED) === phase).length || '·'),
    );
    return [service, ...cells, String(findings.filter((f) => (f.service ?? UNASSIGNED) === service).length)];
  });
  rows.push([
    'total',
    ...phases.map((phase) => String(findings.filter((f) => (f.phase ?? UNASSIGNED) === phase).length)),
    String(findings.length),
  ]);
  return textTable([['service \\ phase', ...phases, 'total'], ...rows], { header: true, colors });
}

/**
 * `--format concise`: the service × phase table, then one
 * `path:line:col  rule  message [fix]` line per finding, then problems and
 * the totals by kind (the text format before findings were grouped).
 */
export function renderConcise(result: ScanResult, colors: Colors = NO_COLORS, options: Pick<TextOptions, 'problems'> = {}): string {
  const out: string[] = [];
  const { findings } = result;
  if (findings.length) {
    out.push(serviceByPhaseTable(findings, colors), '');
    for (const f of findings) {
      const where = `${f.file}:${f.line}:${f.column}`;
      out.push(`${colors.bold(where)}  ${colors.yellow(f.rule)}  ${f.message}${f.fix ? colors.dim(` [${f.fix}]`) : ''}`);
    }
    out.push('');
  }
  if (options.problems !== false) out.push(...problemLines(result, colors));
  const kinds = Object.entries(result.summary.byKind)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  out.push(
    findings.length
      ? colors.bold(`${findings.length} findings (${kinds}) in ${result.summary.filesWithFindings} of ${result.summary.files} files`)
      : colors.green(`no findings in ${result.summary.files} files`),
  );
  return `${out.join('\n')}\n`;
}

/** One row of `--statistics`: how many findings share a rule, kind, applicability and reason. */
export interface StatisticsRow {
  readonly count: number;
  readonly rule: string;
  readonly kind: Finding['kind'];
  readonly fix: Finding['fix'] | null;
  readonly reason: string | null;
}

/** Findings counted by rule, kind, applicability and reason; most frequent first, then by rule and kind. */
export function statistics(findings: readonly Finding[]): StatisticsRow[] {
  const rows = new Map<string, { count: number; rule: string; kind: Finding['kind']; fix: Finding['fix'] | null; reason: string | null }>();
  for (const f of findings) {
    const key = JSON.stringify([f.rule, f.kind, f.fix ?? null, f.reason ?? null]);
    const row = rows.get(key);
    if (row) row.count++;
    else rows.set(key, { count: 1, rule: f.rule, kind: f.kind, fix: f.fix ?? null, reason: f.reason ?? null });
  }
  return [...rows.values()].sort(
    (a, b) => b.count - a.count || a.rule.localeCompare(b.rule) || a.kind.localeCompare(b.kind) || (a.fix ?? '').localeCompare(b.fix ?? '') || (a.reason ?? '').localeCompare(b.reason ?? ''),
  );
}

/** `--statistics` as text: count, rule, kind, fix and reason per row, then the summary line. */
export function renderStatistics(result: ScanResult, colors: Colors = NO_COLORS, options: Pick<TextOptions, 'width'> = {}): string {
  const rows = statistics(result.findings);
  const out: string[] = [];
  if (rows.length) {
    const cells = rows.map((r) => [String(r.count), r.rule, r.kind, r.fix ?? '—']);
    const table = textTable([['count', 'rule', 'kind', 'fix'], ...cells], { header: true, align: ['r', 'l', 'l', 'l'], colors }).split('\n');
    out.push(`${table[0]}  reason`);
    rows.forEach((r, i) => {
      const prefix = `${table[i + 1]!.padEnd(visibleLength(table[0]!))}  `;
      const used = visibleLength(prefix);
      const lines = r.reason ? wrapWords(wordsOf(r.reason), { width: options.width, firstUsed: used, indent: options.width !== undefined && used > options.width / 2 ? 6 : used }) : [''];
      out.push((prefix + lines[0]).trimEnd(), ...lines.slice(1));
    });
    out.push('');
  }
  out.push(summaryLine(result, colors));
  return `${out.join('\n')}\n`;
}

export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
