/**
 * Text and Markdown for the phase commands: pure functions of the data the
 * phase functions return. Colours come in as a parameter (plain for pipes and
 * tests).
 */
import path from 'node:path';
import type { FileFix, FixRun } from '../model/outcome.js';
import type { AddedServiceImport } from '../engine/boundaries.js';
import { NO_COLORS, type Colors } from '../text/colors.js';
import { oneLine, plural } from '../text/plural.js';
import { markdownTable, textTable, type Align } from '../text/table.js';
import type { GateResult } from '../phases/gates.js';
import { formatElapsed } from '../text/duration.js';
import type { PlanResult } from '../phases/plan.js';
import type { RecoverResult } from '../phases/recover.js';
import type { RollbackOutcome } from '../phases/rollback.js';
import type { RunAllResult } from '../phases/runAll.js';
import type { LeftLocation } from '../phases/accounting.js';
import type { PhaseIsolation, PhaseOutcome } from '../phases/runPhase.js';
import type { CulpritRecord, GateRecord, PhaseState } from '../phases/state.js';
import type { StatusResult } from '../phases/status.js';
import type { VerifyResult } from '../phases/verify.js';

/** A table with per-column alignment (text left, numbers right); `headers` null for a bare two-column list. */
function table(headers: string[] | null, rows: string[][], align: readonly Align[], colors: Colors = NO_COLORS): string {
  return textTable(headers ? [headers, ...rows] : rows, { header: headers !== null, align, colors });
}

/** One line about how a gate ended: `passed in 3.2s`, `failed with exit 1 after 2.0s`, `timed out, stopped after 5m03s`, `killed by SIGKILL`. */
export function describeGateEnd(result: GateResult): string {
  if (result.skipped) return `skipped: ${result.skipped}`;
  if (result.reusedFrom) return `passed (${result.reusedFrom})`;
  if (result.ok) return `passed in ${formatElapsed(result.durationMs)}`;
  if (result.interrupted) return 'interrupted';
  if (result.timedOut) return `timed out, stopped after ${formatElapsed(result.durationMs)}`;
  if (result.exitCode === null && result.signal) return `killed by ${result.signal}`;
  if (result.exitCode === null) return 'could not start';
  return `failed with exit ${result.exitCode} after ${formatElapsed(result.durationMs)}`;
}


const short = (commit: string | null | undefined): string => (commit ? commit.slice(0, 7) : '—');

/** `gate NAME (moment): failed with exit 1 after 2.0s — last N lines:` and the tail, indented. */
export function renderGateFailure(result: GateResult | GateRecord, colors: Colors = NO_COLORS): string {
  const tail = result.tail ?? [];
  const head = `${colors.red(`gate ${result.name}`)} (${result.moment}): ${describeGateEnd({ ...result, tail })}`;
  if (!tail.length) return `${head} — no output\n`;
  return `${head} — last ${plural(tail.length, 'line')} of its output:\n${tail.map((l) => `  ${colors.dim('│')} ${l}`).join('\n')}\n`;
}

/** The end-of-run table of `ssot fix` (no phase): fixed, left manual by reason, files written / refused. */
export function renderFixSummary(run: FixRun, written: readonly string[] | null, colors: Colors = NO_COLORS, serviceImports: readonly AddedServiceImport[] = []): string {
  const s = run.summary;
  const rows: string[][] = [
    ['fixed (safe)', String(s.fixedSafe)],
    ['fixed (unsafe)', String(s.fixedUnsafe)],
  ];
  for (const [reason, n] of Object.entries(s.leftByReason).sort((a, b) => b[1] - a[1])) rows.push([`left: ${reason}`, String(n)]);
  rows.push([written === null ? 'files that would be written' : 'files written', String(written === null ? s.filesChanged : written.length)]);
  rows.push(['files refused by validation', String(s.filesRefused)]);
  const out = [table(null, rows, ['l', 'r'], colors)];
  const refused = run.files.filter((f: FileFix) => f.status === 'refused');
  if (refused.length) {
    out.push('', colors.yellow('refused by validation (left untouched):'));
    for (const f of refused) out.push(`  ${f.file}: ${oneLine(f.reason ?? 'refused')}`);
  }
  if (serviceImports.length) {
    out.push('', `imports between services added (${serviceImports.length}):`);
    out.push(...serviceImportLines(serviceImports, colors).map((l) => `  ${l}`));
  }
  return `${out.join('\n')}\n`;
}

/** One `file:line  module  from → to` line per added import between services, with the contracts that forbid it. */
function serviceImportLines(imports: readonly AddedServiceImport[], colors: Colors): string[] {
  return imports.map((s) => {
    const verdict = s.forbiddenBy.length ? `: forbidden by ${s.forbiddenBy.map((c) => `'${c}'`).join(', ')}` : '';
    return `${s.file}:${s.line}  ${s.module}  ${colors.dim(`${s.fromService} → ${s.toService}`)}${verdict ? colors.red(verdict) : ''}`;
  });
}

export function renderPhaseOutcome(outcome: PhaseOutcome, colors: Colors = NO_COLORS): string {
  const out: string[] = [];
  const id = outcome.phase.id;
  const c = outcome.counts;
  if (outcome.status === 'done') {
    if (outcome.commitAfter) {
      out.push(colors.green(`✔ phase ${id} done: commit ${short(outcome.commitAfter)} ${outcome.subject ?? ''}`.trimEnd()));
    } else {
      out.push(colors.green(`✔ phase ${id} done: nothing to write, no commit`));
    }
    const rows: string[][] = [
      ['fixes applied', `${c.fixes}${c.unsafe ? ` (${c.safe} safe, ${c.unsafe} unsafe)` : ''}`],
      ['files written and committed', String(c.files)],
      ['files refused by validation', String(c.refused)],
    ];
    if (c.skipped) rows.push(['files skipped', String(c.skipped)]);
    rows.push(['findings left for a person', String(c.left)]);
    out.push(indent(table(null, rows, ['l', 'r'], colors)));
    if (outcome.warning) out.push(colors.yellow(`  warning: ${outcome.warning}`));
    if (outcome.serviceImports.length) {
      out.push(`  imports between services added (${outcome.serviceImports.length}, each allowed by the boundaries):`);
      out.push(...serviceImportLines(outcome.serviceImports, colors).map((l) => `    ${l}`));
    }
  } else {
    const verb = outcome.status === 'interrupted' ? 'interrupted' : outcome.stage === 'boundaries' ? 'refused' : 'failed';
    out.push(colors.red(`✘ phase ${id} ${verb}: ${outcome.reason ?? ''}`));
    const forbidden = outcome.stage === 'boundaries' ? outcome.serviceImports.filter((s) => s.forbiddenBy.length) : [];
    if (forbidden.length > 1) {
      out.push(colors.yellow(`  imports between services the phase would add that a boundary forbids (${forbidden.length}):`));
      out.push(...serviceImportLines(forbidden, colors).map((l) => `    ${l}`));
    }
    if (outcome.restored.length) out.push(`  restored ${plural(outcome.restored.length, 'file')} byte for byte; HEAD still at ${short(outcome.commitBefore)}`);
    else if (!outcome.kept.length) out.push(`  no file was changed; HEAD still at ${short(outcome.commitBefore)}`);
    else out.push(`  HEAD still at ${short(outcome.commitBefore)}`);
    for (const k of outcome.kept) out.push(colors.yellow(`  ${keptLine(k)}`));
    if (outcome.failedGate) out.push(indent(renderGateFailure(outcome.failedGate, colors).trimEnd()));
  }
  if (outcome.refused.length) {
    out.push(colors.yellow('  refused by validation (left untouched):'));
    for (const r of outcome.refused) out.push(`    ${r.file}: ${oneLine(r.reason)}`);
  }
  const culprits = [...(outcome.isolation?.culprits ?? []), ...outcome.heldBack];
  const unresolved = new Set(outcome.isolation?.unresolved ?? []);
  const culpritFiles = new Set(culprits.map((c) => c.file));
  const skipped = outcome.skipped.filter((s) => !culpritFiles.has(s.file) && !unresolved.has(s.file));
  if (skipped.length) {
    out.push(colors.yellow('  skipped:'));
    for (const s of skipped) out.push(`    ${s.file}: ${s.reason}`);
  }
  if (outcome.isolation) out.push(...renderIsolation(outcome.isolation, colors).map((l) => `  ${l}`));
  if (outcome.heldBack.length) {
    out.push(colors.yellow(`  held back as culprits by earlier runs (\`--retry-culprits\` tries them again):`));
    out.push(...renderCulprits(outcome.heldBack, colors).map((l) => `    ${l}`));
  }
  if (outcome.deferred?.length) {
    out.push(`  left for a later run (--limit): ${plural(outcome.deferred.length, 'file')}: ${outcome.deferred.slice(0, 5).join(', ')}${outcome.deferred.length > 5 ? ', …' : ''}`);
  }
  if (outcome.status === 'done' && outcome.left.length) out.push(...renderLeft(outcome.left, outcome.phase.id, colors).map((l) => `  ${l}`));
  return `${out.join('\n')}\n`;
}

/** Most findings listed one per line; the rest are counted (`ssot scan --phase ID` lists them all). */
const MAX_LEFT_LISTED = 100;

/** `left for a person (N):` and one clickable `path:line  applicability: reason` line per finding. */
export function renderLeft(left: readonly LeftLocation[], phase: string, colors: Colors = NO_COLORS): string[] {
  const out = [colors.dim(`left for a person (${left.length}):`)];
  for (const l of left.slice(0, MAX_LEFT_LISTED)) out.push(`  ${l.file}:${l.line}  ${colors.dim(`${l.applicability}: ${oneLine(l.reason)}`)}`);
  if (left.length > MAX_LEFT_LISTED) out.push(colors.dim(`  … and ${left.length - MAX_LEFT_LISTED} more (\`ssot scan --phase ${phase}\` lists them all)`));
  return out;
}

/** Each culprit file with the gate its fixes break and the tests that fail with them. */
export function renderCulprits(culprits: readonly CulpritRecord[], colors: Colors = NO_COLORS): string[] {
  const out: string[] = [];
  for (const c of culprits) {
    const together = c.with.length ? ` (fails together with ${c.with.join(', ')})` : '';
    out.push(`${colors.yellow(c.file)} — gate ${c.gate}${together}${c.tests.length ? '; failing tests:' : '; its output named no failing test'}`);
    for (const t of c.tests.slice(0, 10)) out.push(`  ${t}`);
    if (c.tests.length > 10) out.push(colors.dim(`  … and ${c.tests.length - 10} more`));
  }
  return out;
}

/** What culprit isolation found in a phase run, and what it spent. */
export function renderIsolation(isolation: PhaseIsolation, colors: Colors = NO_COLORS): string[] {
  const out: string[] = [];
  const spent = `${plural(isolation.trials, 'trial')} of at most ${isolation.maxTrials}`;
  if (isolation.culprits.length) {
    out.push(colors.yellow(`held back ${plural(isolation.culprits.length, 'file')}: their fixes make gate ${isolation.gate} fail (isolated in ${spent}; later runs skip them until \`--retry-culprits\`):`));
    out.push(...renderCulprits(isolation.culprits, colors).map((l) => `  ${l}`));
  } else {
    out.push(colors.yellow(`isolation of gate ${isolation.gate}: no culprit found in ${spent}`));
  }
  if (isolation.boundHit) {
    out.push(
      colors.yellow(
        `the isolation hit its bound of ${isolation.maxTrials} trials${isolation.unresolved.length ? `: ${plural(isolation.unresolved.length, 'file')} held back unresolved (the next run tries them again): ${isolation.unresolved.join(', ')}` : ''}`,
      ),
    );
  }
  return out;
}

export function renderRunAll(result: RunAllResult, colors: Colors = NO_COLORS): string {
  const rows = [
    ...result.alreadyDone.map((d) => [d.phase, 'done earlier', short(d.commit), '']),
    ...result.outcomes.map((o) => [
      o.phase.id,
      o.status === 'done' ? (o.commitAfter ? 'done' : 'done (nothing to write)') : o.status,
      short(o.commitAfter),
      o.status === 'done' ? `${o.counts.fixes} fixes in ${o.counts.files} files` : (o.reason ?? ''),
    ]),
    ...result.notReached.map((p) => [p, 'not run (an earlier phase failed)', '—', '']),
  ];
  return `${table(['phase', 'result', 'commit', ''], rows, ['l', 'l', 'l', 'l'], colors)}\n`;
}

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

export function stateLabel(state: PhaseState): string {
  switch (state.status) {
    case 'done': {
      const last = state.applications.at(-1);
      const partial = state.rolledBackFiles.length ? `, ${plural(state.rolledBackFiles.length, 'file')} rolled back` : '';
      const held = state.culprits.length ? `, ${state.culprits.length} held back` : '';
      return `done${last?.commitAfter ? ` (${short(last.commitAfter)})` : ''}${partial}${held}`;
    }
    case 'partial': {
      const last = state.applications.at(-1);
      return `partly done${last?.commitAfter ? ` (${short(last.commitAfter)})` : ''}${state.pinned.length ? `, ${plural(state.pinned.length, 'file')} pinned` : ''}`;
    }
    case 'rolled-back':
      return 'rolled back';
    default: {
      const away = state.elsewhere?.at(-1)?.commitAfter;
      if (away) return `pending (done in ${short(away)}, which HEAD does not contain)`;
      return state.lastFailure ? `pending (last attempt failed: ${state.lastFailure.stage})` : 'pending';
    }
  }
}

export function renderPlanText(plan: PlanResult, colors: Colors = NO_COLORS): string {
  const rows = plan.phases.map((p) => [
    p.id,
    p.risk ?? '—',
    String(p.files.length),
    String(p.findings.safe),
    String(p.findings.unsafe),
    String(p.findings.manual),
    gatesCell(p.gates),
    stateLabel(p.state),
  ]);
  if (plan.unassigned.findings.total) {
    const u = plan.unassigned;
    rows.push(['(no phase)', '—', String(u.files.length), String(u.findings.safe), String(u.findings.unsafe), String(u.findings.manual), '—', 'not planned']);
  }
  const out = [table(['phase', 'risk', 'files', 'safe', 'unsafe', 'manual', 'gates (before → after)', 'state'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'l', 'l'], colors), ''];
  const t = plan.totals;
  const loose = plan.unassigned.findings;
  const fixedBy = plan.phases.length ? `${t.safe - loose.safe} fixed by \`ssot fix --phase\`` : 'fixed by `ssot fix --all`, one implicit phase of every file';
  out.push(`${plural(t.total, 'finding')} in ${plural(t.files, 'file')}: ${t.safe} safe (${fixedBy}), ${t.unsafe} unsafe (need --unsafe and review), ${t.manual} manual`);
  if (plan.phases.length && loose.total) {
    out.push(
      colors.yellow(
        `${plural(loose.total, 'finding')} in ${plural(plan.unassigned.files.length, 'file')} belong to no phase: no phase fixes them${loose.safe ? ` (\`ssot fix\` without --phase fixes their ${loose.safe} safe ones, ungated)` : ''}`,
      ),
    );
  }
  if (plan.journal) out.push(colors.red(`an interrupted \`${plan.journal.command}\` needs \`ssot recover\` first`));
  out.push(...heldBackSections(plan.phases.map((p) => p.state), colors));
  return `${out.join('\n')}\n`;
}

/** Per phase holding culprits: the files, the gate and the failing tests (plan and status). */
function heldBackSections(states: readonly PhaseState[], colors: Colors): string[] {
  const out: string[] = [];
  for (const state of states) {
    if (!state.culprits.length) continue;
    out.push(
      '',
      colors.yellow(`phase ${state.id} holds back ${plural(state.culprits.length, 'file')}: their fixes make a gate fail (\`ssot fix --phase ${state.id} --retry-culprits\` tries them again)`),
      ...renderCulprits(state.culprits, colors).map((l) => `  ${l}`),
    );
  }
  return out;
}

function gatesCell(gates: { before: string[]; after: string[] }): string {
  if (!gates.before.length && !gates.after.length) return 'none';
  return `${gates.before.join(', ') || '—'} → ${gates.after.join(', ') || '—'}`;
}

/** The stakeholder briefing of seed §8.2: what will change, in which order, what protects it, how to undo it. */
export function renderPlanMarkdown(plan: PlanResult, toolVersion: string): string {
  const t = plan.totals;
  const done = plan.phases.filter((p) => p.state.status === 'done').length;
  const rolledBack = plan.phases.filter((p) => p.state.status === 'rolled-back').length;
  const beforeGates = plan.phases[0]?.gates.before ?? [];
  const afterGates = plan.phases[0]?.gates.after ?? [];
  const out: string[] = [`# Migration briefing: ${path.basename(plan.root)}`, ''];
  out.push(`Prepared by ssot ${toolVersion} on ${plan.generatedAt.slice(0, 10)}.`, '');
  out.push('## What changes', '');
  for (const rule of plan.rules) {
    out.push(`- **${rule.id}**: every import of ${rule.deprecated.map((d) => `\`${d}\``).join(', ')} moves to \`${rule.canonical}\`.`);
  }
  out.push('');
  out.push('## Summary', '');
  out.push(`- ${plural(t.total, 'deprecated use')} in ${plural(t.files, 'file')}, in ${plural(plan.phases.length, 'phase')}.`);
  out.push(`- ${t.safe} are fixed automatically (safe), ${t.unsafe} are fixed only on request and reviewed (unsafe), ${t.manual} need a person (manual).`);
  out.push(`- Progress: ${done} of ${plan.phases.length} phases done${rolledBack ? `, ${rolledBack} rolled back` : ''}.`);
  if (plan.unassigned.findings.total) {
    out.push(`- ${plural(plan.unassigned.findings.total, 'use')} in ${plural(plan.unassigned.files.length, 'file')} belong to no phase and are not scheduled.`);
  }
  out.push('');
  out.push('## Phases', '');
  out.push(
    markdownTable(
      ['Phase', 'Title', 'Risk', 'Files', 'Safe', 'Unsafe', 'Manual', 'State'],
      plan.phases.map((p) => [
        p.id,
        p.title ?? '',
        p.risk ?? '—',
        String(p.files.length),
        String(p.findings.safe),
        String(p.findings.unsafe),
        String(p.findings.manual),
        stateLabel(p.state),
      ]),
      ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'l'],
    ),
    '',
  );
  out.push('## Safety net', '');
  out.push(
    `- **Before each phase** ${beforeGates.length ? `these checks must pass: ${beforeGates.map((g) => `\`${g}\``).join(', ')}` : 'no checks are configured'}; a red baseline stops the phase before anything changes.`,
  );
  out.push(
    `- **After each phase** ${afterGates.length ? `${afterGates.map((g) => `\`${g}\``).join(', ')} run again` : 'no checks run'}; any failure restores every changed file byte for byte and leaves the repository history untouched.`,
  );
  out.push('- Each phase is **one commit** listing every file it changed; files that fail validation are left untouched and listed.');
  out.push('- An interrupted run (Ctrl-C, a crash) is detected by the next command and undone with `ssot recover`.');
  out.push('');
  out.push('## Rollback procedures', '');
  out.push('- One phase: `ssot rollback --phase ID` — a `git revert` of its commit; the checks run again.');
  out.push('- One file: `ssot rollback --file PATH` — the file as it was before its phase, committed; the checks run again.');
  out.push('- Everything: `ssot rollback --all` — every done phase reverted, newest first; the checks run again.');
  out.push('');
  out.push('## Phase details', '');
  for (const p of plan.phases) {
    out.push(`### Phase ${p.id}${p.title ? ` — ${p.title}` : ''}`, '');
    out.push(`Risk: ${p.risk ?? 'not rated'}. State: ${stateLabel(p.state)}.`);
    const last = p.state.applications.at(-1);
    if (p.state.status === 'done' && last) {
      out.push(`Applied ${last.event.at.slice(0, 16).replace('T', ' ')} UTC: ${last.event.counts.fixes} fixes in ${last.event.counts.files} files${last.commitAfter ? `, commit \`${short(last.commitAfter)}\`` : ''}.`);
    }
    out.push('');
    if (p.state.culprits.length) {
      out.push(`Held back (their fixes make a gate fail; retried with \`--retry-culprits\`):`, '');
      for (const c of p.state.culprits) out.push(`- \`${c.file}\` — gate \`${c.gate}\`${c.tests.length ? `: ${c.tests.slice(0, 5).map((t) => `\`${t}\``).join(', ')}${c.tests.length > 5 ? ', …' : ''}` : ''}`);
      out.push('');
    }
    if (p.files.length) {
      const shown = p.files.slice(0, 25);
      for (const f of shown) out.push(`- \`${f}\``);
      if (p.files.length > shown.length) out.push(`- … and ${p.files.length - shown.length} more`);
    } else {
      out.push('No deprecated use left in this phase.');
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

export function renderStatusText(status: StatusResult, colors: Colors = NO_COLORS): string {
  const out: string[] = [];
  if (status.journal) {
    const j = status.journal;
    out.push(
      colors.red(
        j.running
          ? `\`${j.command}\` is in progress (pid ${j.pid}, started ${j.startedAt})`
          : `\`${j.command}\` was interrupted (started ${j.startedAt}); run \`ssot recover\` to put the tree back`,
      ),
      '',
    );
  }
  const rows = status.phases.map((p) => {
    const last = p.state.applications.at(-1);
    return [
      p.id,
      stateLabel(p.state),
      p.state.status === 'done' ? (last?.event.at.slice(0, 16).replace('T', ' ') ?? '') : p.state.status === 'rolled-back' ? (p.state.lastRollback?.at.slice(0, 16).replace('T', ' ') ?? '') : '',
      p.state.status === 'done' ? String(p.state.applications.reduce((n, a) => n + a.event.counts.fixes, 0)) : '',
      String(p.remaining),
    ];
  });
  if (status.remaining.unassigned) rows.push(['(no phase)', '', '', '', String(status.remaining.unassigned)]);
  out.push(table(['phase', 'state', 'when (UTC)', 'fixes', 'remaining'], rows, ['l', 'l', 'l', 'r', 'r'], colors), '');
  const done = status.phases.filter((p) => p.state.status === 'done').length;
  out.push(`${done} of ${plural(status.phases.length, 'phase')} done; ${plural(status.remaining.total, 'finding')} remain in ${plural(status.remaining.files, 'file')}`);
  if (status.lastGates) {
    const g = status.lastGates;
    out.push('', `last gate results (${g.event}${g.phase ? ` ${g.phase}` : ''}, ${g.at.slice(0, 16).replace('T', ' ')} UTC):`);
    for (const r of g.gates) out.push(`  ${r.skipped ? '–' : r.ok ? colors.green('✔') : colors.red('✘')} ${r.name} (${r.moment}): ${describeGateEnd({ ...r, tail: r.tail ?? [] })}`);
  } else {
    out.push('', 'no gate has run yet');
  }
  const pinned = status.phases.filter((p) => p.state.pinned.length);
  if (pinned.length) {
    out.push('', 'pinned by `ssot rollback --file` (runs of their phase leave them alone; `ssot fix --phase ID --unpin FILE` to fix again):');
    for (const p of pinned) for (const f of p.state.pinned) out.push(`  ${p.id}  ${f}`);
  }
  out.push(...heldBackSections(status.phases.map((p) => p.state), colors));
  out.push(...historyNotes(status.history, colors));
  return `${out.join('\n')}\n`;
}

/** What the clone lacks of the phase history, in words, with the command that fetches it. */
function historyNotes(history: StatusResult['history'], colors: Colors): string[] {
  if (!history) return [];
  const out: string[] = [];
  if (history.withoutRecord.length) {
    out.push(
      '',
      colors.yellow(
        `${plural(history.withoutRecord.length, 'ssot commit')} of ${history.commits} have no record in ${history.notesRef} here: phases and counts are read from the commit trailers; gate results and the per-file details (refused, skipped) are missing`,
      ),
      `  fetch the records: git fetch origin ${history.notesRef}:${history.notesRef}`,
    );
  }
  if (history.unreadable) out.push('', colors.yellow(`${plural(history.unreadable, 'line')} in ${history.notesRef} are not ssot records; skipped`));
  return out;
}

export function renderVerifyText(result: VerifyResult, colors: Colors = NO_COLORS): string {
  const rows = result.checks.map((c) => [c.kind, c.name, c.skipped ? 'skip' : c.ok ? 'pass' : 'FAIL', c.detail]);
  const out = [table(['check', 'name', 'result', 'detail'], rows, ['l', 'l', 'l', 'l'], colors), ''];
  for (const c of result.checks) {
    if (!c.ok && c.tail) {
      const gate = result.gates.find((g) => g.name === c.name);
      if (gate) out.push(renderGateFailure(gate, colors).trimEnd(), '');
    }
  }
  for (const c of result.checks) {
    if (c.culprits?.length) out.push(`${c.name}: held back (their fixes make a gate fail):`, ...renderCulprits(c.culprits, colors).map((l) => `  ${l}`), '');
  }
  for (const c of result.checks) {
    if (!c.manual?.length) continue;
    out.push(`${c.name}: ${plural(c.manual.length, 'manual finding')} left for a person:`);
    for (const m of c.manual.slice(0, MAX_LEFT_LISTED)) out.push(`  ${m.file}:${m.line}:${m.column}  ${colors.dim(oneLine(m.reason))}`);
    if (c.manual.length > MAX_LEFT_LISTED) out.push(colors.dim(`  … and ${c.manual.length - MAX_LEFT_LISTED} more (\`ssot scan --format json\` lists them all)`));
    out.push('');
  }
  const failed = result.checks.filter((c) => !c.ok).length;
  const skipped = result.checks.filter((c) => c.skipped).length;
  const passing = result.checks.length - skipped;
  out.push(
    result.ok
      ? colors.green(`verify: all ${passing} checks pass${skipped ? ` (${skipped} skipped: nothing to check)` : ''}`)
      : colors.red(`verify: ${failed} of ${result.checks.length} checks fail`),
  );
  return `${out.join('\n')}\n`;
}

export function renderRollbackOutcome(outcome: RollbackOutcome, colors: Colors = NO_COLORS): string {
  const out: string[] = [];
  const what =
    outcome.target.kind === 'phase' ? `phase ${outcome.target.phase}` : outcome.target.kind === 'file' ? outcome.files[0] ?? outcome.target.file : `${plural(outcome.phases.length, 'phase')} (${outcome.phases.join(', ')})`;
  if (outcome.status === 'done' || outcome.status === 'gates-failed') {
    const mark = outcome.status === 'done' ? colors.green('✔') : colors.yellow('!');
    out.push(`${mark} rolled back ${what}`);
    for (const c of outcome.commits) {
      out.push(
        outcome.target.kind === 'file'
          ? `  ${short(c.commit)} restores ${outcome.files[0]} as it was before ${short(c.undid)} (phase ${c.phase})`
          : `  ${short(c.commit)} undoes ${short(c.undid)} (phase ${c.phase})`,
      );
    }
    for (const c of outcome.alreadyUndone) out.push(`  ${short(c.commit)} (phase ${c.phase}): nothing left to revert (its changes were undone already)`);
    if (!outcome.commits.length && !outcome.alreadyUndone.length) out.push('  nothing to revert (those phases made no commit)');
    for (const g of outcome.gates) out.push(`  ${g.skipped ? '–' : g.ok ? colors.green('✔') : colors.red('✘')} gate ${g.name}: ${describeGateEnd(g)}`);
    if (outcome.failedGate) {
      out.push(colors.red(`  ${outcome.reason}`));
      out.push(indent(renderGateFailure(outcome.failedGate, colors).trimEnd()));
    }
  } else {
    out.push(colors.red(`✘ rollback of ${what} ${outcome.status === 'interrupted' ? 'interrupted' : 'failed'}: ${outcome.reason ?? ''}`));
    out.push('  HEAD and every file are as they were before the rollback started');
  }
  return `${out.join('\n')}\n`;
}

export function renderRecover(result: RecoverResult | null, colors: Colors = NO_COLORS): string {
  if (!result) return 'nothing to recover: no interrupted ssot command\n';
  const out = [colors.green(`✔ undid the interrupted \`${result.journal.command}\` (started ${result.journal.startedAt})`)];
  if (result.headReset) out.push(`  HEAD moved back from ${short(result.headReset)} to ${short(result.journal.head)} (commits made by the interrupted run)`);
  out.push(`  restored ${plural(result.restored.length, 'file')} byte for byte${result.untouched.length ? `; ${result.untouched.length} already as before` : ''}`);
  for (const f of result.restored) out.push(`    ${f}`);
  for (const s of result.savedCopies) out.push(colors.yellow(`  ${s.file} held other content; kept a copy at ${s.copy}`));
  for (const k of result.kept) out.push(colors.yellow(`  ${keptLine(k)}`));
  for (const o of result.orphans ?? []) out.push(colors.yellow(`  ${o}`));
  if (result.stateNotRecorded) out.push(colors.yellow(`  not recorded in the state: ${result.stateNotRecorded}`));
  return `${out.join('\n')}\n`;
}

/** A file someone changed while ssot ran: where their version and ssot's are. */
function keptLine(k: { readonly file: string; readonly ssotVersion: string | null }): string {
  return `${k.file} was changed while ssot ran: kept as it is now (not restored, not committed)${k.ssotVersion ? `; ssot's version is in ${k.ssotVersion}` : ''}`;
}
