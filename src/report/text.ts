/**
 * Human output: a service × phase table, then one `path:line:col  rule  message`
 * line per finding (clickable in editors), then problems. Pure: colours come
 * in as a parameter so tests and pipes get plain text.
 */
import type { ScanResult } from '../engine/run.js';
import { UNASSIGNED } from '../model/finding.js';
import { NO_COLORS, type Colors } from '../text/colors.js';
import { textTable } from '../text/table.js';

/**
 * `problems: false` leaves out the per-file warning/error lines (the CLI prints
 * those on stderr when the report goes to a terminal).
 */
export function renderText(result: ScanResult, colors: Colors = NO_COLORS, options: { problems?: boolean } = {}): string {
  const out: string[] = [];
  const { findings } = result;
  if (findings.length) {
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
    out.push(textTable([['service \\ phase', ...phases, 'total'], ...rows], { header: true, colors }), '');
    for (const f of findings) {
      const where = `${f.file}:${f.line}:${f.column}`;
      out.push(`${colors.bold(where)}  ${colors.yellow(f.rule)}  ${f.message}${f.fix ? colors.dim(` [${f.fix}]`) : ''}`);
    }
    out.push('');
  }
  if (options.problems !== false) {
    for (const w of result.warnings) out.push(`${colors.yellow('warning')}: ${w.file}: ${w.message}`);
    for (const e of result.errors) out.push(`${colors.red('error')}: ${e.file}: ${e.message}`);
  }
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

export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
