/** Text for `ssot prune` and `ssot prune --apply`: pure functions of what they return. */
import { NO_COLORS, type Colors } from '../text/colors.js';
import { oneLine, plural } from '../text/plural.js';
import type { ModuleReference, PruneListing, PruneModule, PruneOutcome } from '../phases/prune.js';
import { renderGateFailure } from './phases.js';

/** How many importers a module's entry lists before "… and N more". */
const MAX_LISTED = 10;

function place(r: ModuleReference): string {
  const what = r.kind === 'string-reference' ? `string "${r.path}"` : r.kind === 'usage' ? `uses ${r.path}` : `imports ${r.path}`;
  return `${r.file}:${r.line}  ${what}${r.alsoPruned ? ' (in a module pruned too)' : ''}`;
}

function removedByLine(m: PruneModule): string {
  if (!m.removedBy.length) return 'last importers removed by: unknown (no phase commit in the history removed a reference)';
  const last = m.removedBy[m.removedBy.length - 1]!;
  const ofLast = m.removedBy.filter((r) => r.commit === last.commit).map((r) => r.file);
  const earlier = [...new Set(m.removedBy.filter((r) => r.commit !== last.commit).map((r) => r.phase))];
  return `last importers removed by phase ${last.phase} (${last.commit.slice(0, 7)}: ${ofLast.join(', ')})${earlier.length ? `; earlier by ${earlier.map((p) => `phase ${p}`).join(', ')}` : ''}`;
}

function moduleLines(m: PruneModule, colors: Colors): string[] {
  const label = m.status === 'unused' ? colors.green('unused') : m.status === 'used' ? colors.yellow('used  ') : colors.dim('kept  ');
  const lines = [`  ${label}  ${m.file} ${colors.dim(`(${m.module})`)}`];
  const indent = '          ';
  if (m.reason) lines.push(`${indent}${colors.dim(`not deleted: ${m.reason}`)}`);
  const refs = m.status === 'unused' ? m.importers.filter((r) => r.alsoPruned) : m.importers;
  for (const r of refs.slice(0, MAX_LISTED)) lines.push(`${indent}${place(r)}`);
  if (refs.length > MAX_LISTED) lines.push(`${indent}${colors.dim(`… and ${refs.length - MAX_LISTED} more`)}`);
  for (const r of m.reExports) {
    const where = `${r.file}:${r.lines.join(',')}`;
    const names = r.names.length ? ` (${r.names.join(', ')})` : '';
    if (!r.usedBy.length) lines.push(`${indent}re-exported by ${where}${names}: unused, ${m.status === 'unused' ? 'removed with it' : 'nobody imports it from there'}`);
    else lines.push(`${indent}re-exported by ${where}${names}, used by ${r.usedBy.slice(0, MAX_LISTED).map((u) => `${u.file}:${u.line}`).join(', ')}${r.usedBy.length > MAX_LISTED ? ', …' : ''}`);
  }
  if (m.status === 'unused') lines.push(`${indent}${colors.dim(removedByLine(m))}`);
  return lines;
}

function listingLines(listing: PruneListing, colors: Colors): string[] {
  const lines = listing.modules.flatMap((m) => moduleLines(m, colors));
  lines.push(...listing.skipped.map((s) => colors.dim(`  ${s.module} (rule ${s.rules.join(', ')}): left alone, ${s.reason}`)));
  for (const u of listing.unreadable) lines.push(colors.yellow(`  ${u.file}: could not be searched (${oneLine(u.message)}); what it refers to is unknown, --apply refuses`));
  return lines;
}

function counts(listing: PruneListing): string {
  const n = (s: PruneModule['status']) => listing.modules.filter((m) => m.status === s).length;
  return `${n('used')} used, ${n('kept')} kept`;
}

export function renderPruneListing(listing: PruneListing, colors: Colors = NO_COLORS): string {
  const lines = listingLines(listing, colors);
  const unused = listing.modules.filter((m) => m.status === 'unused').length;
  if (!listing.modules.length) lines.push(colors.green('✔ no deprecated module has a file in the tree: nothing to prune'));
  else if (unused) lines.push(colors.yellow(`${plural(unused, 'deprecated module')} nothing uses (${counts(listing)}): \`ssot prune --apply\` deletes ${unused === 1 ? 'it' : 'them'}`));
  else lines.push(colors.green(`✔ nothing to prune: every deprecated module is still used or kept (${counts(listing)})`));
  return `${lines.join('\n')}\n`;
}

export function renderPruneOutcome(outcome: PruneOutcome, colors: Colors = NO_COLORS): string {
  const lines = listingLines(outcome, colors);
  if (outcome.status !== 'done') {
    if (outcome.failedGate) lines.push(renderGateFailure(outcome.failedGate, colors).trimEnd());
    lines.push(colors.red(`✖ prune ${outcome.status}: ${oneLine(outcome.reason ?? '')}`));
  } else if (outcome.commitAfter) {
    const edited = outcome.edited.length ? `, re-exports removed from ${outcome.edited.join(', ')}` : '';
    lines.push(colors.green(`✔ prune done: commit ${outcome.commitAfter.slice(0, 7)}, ${plural(outcome.deleted.length, 'module')} deleted${edited}; undo with \`ssot rollback --phase prune\``));
  } else {
    lines.push(colors.green(`✔ nothing to prune: every deprecated module is still used or kept (${counts(outcome)})`));
  }
  return `${lines.join('\n')}\n`;
}
