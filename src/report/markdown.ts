/** A Markdown inventory for the people who approve each phase: totals by service × phase, then by file. */
import type { ScanResult } from '../engine/run.js';
import { UNASSIGNED } from '../model/finding.js';
import { markdownTable } from '../text/table.js';
import { naturalCompare } from './text.js';

export function renderMarkdown(result: ScanResult): string {
  const { findings, summary } = result;
  const out: string[] = ['# ssot inventory', ''];
  out.push(
    `${findings.length} findings in ${summary.filesWithFindings} of ${summary.files} files` +
      ` (${Object.entries(summary.byKind)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ') || 'none'}).`,
    '',
  );
  if (findings.length) {
    const phases = [...new Set(findings.map((f) => f.phase ?? UNASSIGNED))].sort(naturalCompare);
    const services = [...new Set(findings.map((f) => f.service ?? UNASSIGNED))].sort();
    out.push('## By service and phase', '');
    out.push(
      markdownTable(
        ['Service', ...phases.map((p) => `Phase ${p}`), 'Total'],
        services.map((s) => [
          s,
          ...phases.map((p) => String(findings.filter((f) => (f.service ?? UNASSIGNED) === s && (f.phase ?? UNASSIGNED) === p).length)),
          String(findings.filter((f) => (f.service ?? UNASSIGNED) === s).length),
        ]),
      ),
      '',
    );
    out.push('## By file', '');
    const files = [...new Set(findings.map((f) => f.file))];
    // `ssot check` with boundaries: their violations get a column of their own
    const boundaries = findings.some((f) => f.kind === 'boundary');
    out.push(
      markdownTable(
        ['File', 'Service', 'Phase', 'Imports', 'Usages', 'Strings', ...(boundaries ? ['Boundaries'] : [])],
        files.map((file) => {
          const fs = findings.filter((f) => f.file === file);
          return [
            `\`${file}\``,
            fs[0]!.service ?? UNASSIGNED,
            fs[0]!.phase ?? UNASSIGNED,
            String(fs.filter((f) => f.kind === 'import').length),
            String(fs.filter((f) => f.kind === 'usage').length),
            String(fs.filter((f) => f.kind === 'string-reference').length),
            ...(boundaries ? [String(fs.filter((f) => f.kind === 'boundary').length)] : []),
          ];
        }),
      ),
      '',
    );
  }
  if (result.errors.length || result.warnings.length) {
    out.push('## Problems', '');
    for (const w of result.warnings) out.push(`- warning: \`${w.file}\`: ${w.message}`);
    for (const e of result.errors) out.push(`- error: \`${e.file}\`: ${e.message}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
