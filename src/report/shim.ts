/** Text for `ssot shim` and `ssot shim --check`: pure functions of what they return. */
import { NO_COLORS, type Colors } from '../text/colors.js';
import { oneLine, plural } from '../text/plural.js';
import { textTable } from '../text/table.js';
import type { ShimCheckResult, ShimOutcome } from '../phases/shim.js';
import { renderGateFailure } from './phases.js';

function skippedLines(skipped: ShimCheckResult['skipped'], colors: Colors): string[] {
  return skipped.map((s) => colors.dim(`  ${s.module} (rule ${s.rule}): left alone, ${s.reason}`));
}

export function renderShimCheck(result: ShimCheckResult, colors: Colors = NO_COLORS): string {
  const lines: string[] = [];
  if (result.names.length) {
    const rows = result.names.map((n) => [n.ok ? colors.green('ok') : colors.red('no'), `${n.module}.${n.name}`, n.detail]);
    lines.push(textTable([['', 'deprecated name', 'resolves to'], ...rows], { header: true, align: ['l', 'l', 'l'], colors }).trimEnd());
  }
  lines.push(...skippedLines(result.skipped, colors));
  const bad = result.names.filter((n) => !n.ok).length;
  const modules = new Set(result.names.map((n) => n.module)).size;
  lines.push(
    bad
      ? colors.red(`✖ ${plural(bad, 'deprecated name')} of ${plural(modules, 'module')} do${bad === 1 ? 'es' : ''} not delegate to the canonical object; \`ssot shim\` writes the compatibility modules`)
      : colors.green(`✔ every deprecated name (${result.names.length}) of ${plural(modules, 'module')} is its canonical object`),
  );
  return `${lines.join('\n')}\n`;
}

export function renderShimOutcome(outcome: ShimOutcome, colors: Colors = NO_COLORS): string {
  const lines: string[] = [];
  for (const m of outcome.modules) {
    const names = m.names.map((n) => `${n.name} → ${n.target.module}.${n.target.name}${n.bind === 'factory' ? ' (factory)' : ''}`).join(', ');
    if (m.status === 'shimmed') lines.push(`  ${colors.green('shim')}      ${m.file}: ${names}${m.legacyFile ? colors.dim(` (old implementation in ${m.legacyFile})`) : ''}`);
    else if (m.status === 'delegates') lines.push(`  ${colors.dim('delegates')} ${m.file}: already the canonical objects`);
    else lines.push(`  ${colors.yellow('refused')}   ${m.file}: ${oneLine(m.reason ?? '')}`);
  }
  lines.push(...skippedLines(outcome.skipped, colors));
  if (outcome.serviceImports.length && outcome.status === 'done') {
    lines.push(`  imports between services added (${outcome.serviceImports.length}, each allowed by the boundaries):`);
    for (const s of outcome.serviceImports) lines.push(`    ${s.file}:${s.line}  ${s.module}  ${colors.dim(`${s.fromService} → ${s.toService}`)}`);
  }
  if (outcome.status !== 'done') {
    if (outcome.failedGate) lines.push(renderGateFailure(outcome.failedGate, colors).trimEnd());
    lines.push(colors.red(`✖ shim ${outcome.status}: ${outcome.reason ?? ''}`));
  } else if (outcome.commitAfter) {
    const shimmed = outcome.modules.filter((m) => m.status === 'shimmed').length;
    lines.push(colors.green(`✔ shim done: commit ${outcome.commitAfter.slice(0, 7)}, ${plural(shimmed, 'compatibility module')} (${plural(outcome.written.length, 'file')}); undo with \`ssot rollback --phase shim\``));
  } else {
    lines.push(colors.green('✔ nothing to shim: every deprecated module already delegates'));
  }
  return `${lines.join('\n')}\n`;
}
