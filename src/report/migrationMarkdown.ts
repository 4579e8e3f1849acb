/**
 * Markdown for people, from the report document: the post-completion report
 * for business stakeholders (`ssot report --format markdown`: before and
 * after, what each phase changed, gate evidence, what remains and who must
 * do it, rollback commands) and the daily update for engineering
 * (`ssot status --format markdown`: what changed since yesterday, where each
 * phase stands, what is next).
 */
import path from 'node:path';
import type { ReportPhase } from '../phases/report.js';
import { UNASSIGNED } from '../model/finding.js';
import { formatElapsed } from '../text/duration.js';
import { plural } from '../text/plural.js';
import { markdownTable } from '../text/table.js';
import { eventLabel, pointTime } from './history.js';
import { phaseDrop, phaseStateLabel, shortCommit, type ReportDocument } from './reportData.js';

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');
const day = (iso: string) => iso.slice(0, 10);
const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function phaseTitle(p: ReportPhase): string {
  return `${p.id}${p.title ? ` — ${p.title}` : ''}`;
}

function counts(doc: ReportDocument) {
  const done = doc.phases.filter((p) => p.status === 'done').length;
  const rolledBack = doc.phases.filter((p) => p.status === 'rolled-back').length;
  const pending = doc.phases.length - done - rolledBack;
  return { done, rolledBack, pending };
}

function remainingByService(doc: ReportDocument): string[][] {
  const rows = new Map<string, { safe: number; unsafe: number; manual: number }>();
  const { heatmap } = doc;
  heatmap.services.forEach((s) => rows.set(s, { safe: 0, unsafe: 0, manual: 0 }));
  for (const group of doc.manual) {
    for (const f of group.findings) {
      const row = rows.get(f.service ?? UNASSIGNED)!;
      if (f.fix === 'unsafe') row.unsafe++;
      else row.manual++;
    }
  }
  heatmap.services.forEach((s, i) => {
    const total = heatmap.cells[i]!.reduce((a, b) => a + b, 0);
    const row = rows.get(s)!;
    row.safe = total - row.unsafe - row.manual;
  });
  return [...rows]
    .map(([service, r]) => [service, String(r.safe), String(r.unsafe), String(r.manual), String(r.safe + r.unsafe + r.manual)])
    .filter((r) => r[4] !== '0');
}

function gateRows(doc: ReportDocument): string[][] {
  return doc.phases.flatMap((p) =>
    p.gates.map((g) => [p.id, g.name, g.moment, g.ok ? 'pass' : `**FAIL** (${g.detail})`, g.detail.startsWith('passed (') ? g.detail.slice(8, -1) : formatElapsed(g.durationMs), utc(g.startedAt)]),
  );
}

function monitorSection(doc: ReportDocument): string[] {
  const m = doc.monitor;
  if (!m) return [];
  const out = ['## Production monitor', ''];
  out.push(`Latest verdict (${code(m.file)}${m.startedAt ? `, started ${utc(m.startedAt)}` : ''}): **${m.outcome.toUpperCase()}** — ${m.reason}.`, '');
  out.push(
    markdownTable(
      ['Signal', 'Status', 'Value', 'Baseline', 'Threshold'],
      m.signals.map((s) => [s.id, s.status === 'fail' ? '**FAIL**' : s.status, s.value === null ? '—' : `${Number(s.value.toPrecision(4))} ${s.unit}`, s.baseline === null ? '—' : `${Number(s.baseline.toPrecision(4))} ${s.unit}`, s.threshold]),
      ['l', 'l', 'r', 'r', 'l'],
    ),
    '',
  );
  return out;
}

/** The post-completion report (seed §8.2: "post-completion report" to business stakeholders). */
export function renderReportMarkdown(doc: ReportDocument): string {
  const name = path.basename(doc.root);
  const { done, rolledBack, pending } = counts(doc);
  const now = doc.totals.now;
  const before = doc.totals.before;
  const out: string[] = [`# Migration report: ${name}`, ''];
  out.push(`Prepared by ssot ${doc.version} on ${day(doc.generatedAt)}${doc.head ? ` at commit ${code(shortCommit(doc.head))}` : ''}.`, '');
  for (const rule of doc.rules) out.push(`- **${rule.id}**: ${rule.deprecated.map(code).join(', ')} → ${code(rule.canonical)}`);
  out.push('');

  out.push('## Summary', '');
  if (before) out.push(`- **Before** (${code(shortCommit(before.commit))}, ${day(before.date)}): ${plural(before.total, 'deprecated use')} in ${plural(before.files, 'file')}.`);
  out.push(`- **Now**: ${plural(now.total, 'deprecated use')} in ${plural(now.files, 'file')} — ${now.safe} fixable automatically, ${now.unsafe} fixable after review, ${now.manual} need a person.`);
  out.push(`- **Phases**: ${done} of ${doc.phases.length} done${rolledBack ? `, ${rolledBack} rolled back` : ''}${pending ? `, ${pending} pending` : ''}.`);
  if (doc.monitor) out.push(`- **Production monitor**: ${doc.monitor.outcome.toUpperCase()} — ${doc.monitor.reason}.`);
  if (doc.journal) out.push(`- **Attention**: an interrupted ${code(doc.journal.command)} must be undone with ${code('ssot recover')} first.`);
  out.push('');

  if (before) {
    out.push('## Before and after', '');
    const b = before.byFix;
    out.push(
      markdownTable(
        ['', 'Before', 'Now', 'Change'],
        [
          ['Deprecated uses', String(before.total), String(now.total), signed(now.total - before.total)],
          ['— fixable automatically (safe)', String(b.safe), String(now.safe), signed(now.safe - b.safe)],
          ['— fixable after review (unsafe)', String(b.unsafe), String(now.unsafe), signed(now.unsafe - b.unsafe)],
          ['— need a person (manual)', String(b.manual), String(now.manual), signed(now.manual - b.manual)],
          ['Files with deprecated uses', String(before.files), String(now.files), signed(now.files - before.files)],
        ],
      ),
      '',
    );
  }

  out.push('## What each phase changed', '');
  out.push(
    markdownTable(
      ['Phase', 'Risk', 'State', 'Commit', 'Fixes', 'Files', 'Findings at its commit', 'Left in it now'],
      doc.phases.map((p) => {
        const last = p.commits.at(-1);
        const drop = last ? phaseDrop(doc, last.commit) : null;
        return [
          phaseTitle(p),
          p.risk ?? '—',
          phaseStateLabel(p),
          last ? code(shortCommit(last.commit)) : '—',
          p.status === 'done' ? String(p.commits.reduce((n, c) => n + c.fixes, 0)) : '—',
          p.status === 'done' ? String(p.commits.reduce((n, c) => n + c.files, 0)) : '—',
          drop ? `${drop.before} → ${drop.after}` : '—',
          String(p.remaining.total),
        ];
      }),
      ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r'],
    ),
    '',
  );
  for (const p of doc.phases.filter((x) => x.status !== 'pending' || x.failure)) {
    out.push(`### Phase ${phaseTitle(p)}`, '');
    for (const c of p.commits) if (c.at) out.push(`- ${utc(c.at)}: commit ${code(shortCommit(c.commit))}, ${plural(c.fixes, 'fix', 'fixes')} in ${plural(c.files, 'file')}${c.changed.length ? `: ${c.changed.map(code).join(', ')}` : ''}.`);
    if (p.rollback) out.push(`- ${utc(p.rollback.at)}: **rolled back**${p.rollback.commits.length ? ` by ${p.rollback.commits.map((c) => code(shortCommit(c))).join(', ')}` : ''}.`);
    if (p.rolledBackFiles.length) out.push(`- Files rolled back one by one: ${p.rolledBackFiles.map(code).join(', ')}.`);
    if (p.failure) out.push(`- ${utc(p.failure.at)}: a run failed (${p.failure.stage}): ${p.failure.reason}.`);
    for (const c of p.culprits) out.push(`- Culprit: ${code(c.file)}${c.reason ? ` — ${c.reason}` : ''}.`);
    for (const pin of p.pinned) out.push(`- Pinned (left as it was): ${code(pin.file)}${pin.reason ? ` — ${pin.reason}` : ''}.`);
    out.push('');
  }

  const gates = gateRows(doc);
  out.push('## Gate evidence', '');
  if (gates.length) out.push(markdownTable(['Phase', 'Gate', 'When', 'Result', 'Duration', 'Started'], gates, ['l', 'l', 'l', 'l', 'r', 'l']), '');
  else out.push('No gate has run for these phases.', '');

  out.push(...monitorSection(doc));

  const points = doc.history?.points ?? [];
  if (points.length) {
    out.push('## Progress over time', '');
    out.push(
      markdownTable(
        ['Date', 'Commit', 'Findings', 'Event'],
        points.map((p) => [pointTime(p.date), code(shortCommit(p.commit)), String(p.total), p.events.map(eventLabel).join(', ')]),
        ['l', 'l', 'r', 'l'],
      ),
      '',
    );
  }

  out.push('## What remains and who must do it', '');
  const byService = remainingByService(doc);
  if (!byService.length) {
    out.push('Nothing: no deprecated use is left.', '');
  } else {
    out.push('By service (each service\'s owners do its manual work; safe fixes land with the pending phases):', '');
    out.push(markdownTable(['Service', 'Safe', 'Unsafe', 'Manual', 'Total'], byService), '');
    for (const group of doc.manual) {
      const services = Object.entries(group.byService).map(([s, n]) => `${s} ${n}`).join(', ');
      out.push(`### ${group.reason} (${group.count})`, '', `Services: ${services}.`, '');
      const shown = group.findings.slice(0, 20);
      for (const f of shown) out.push(`- ${code(`${f.file}:${f.line}`)}${f.fix === 'unsafe' ? ' (unsafe)' : ''}`);
      if (group.findings.length > shown.length) out.push(`- … and ${group.findings.length - shown.length} more (\`ssot scan --format concise\` lists them all)`);
      out.push('');
    }
  }

  out.push('## Rollback procedures', '');
  const donePhases = doc.phases.filter((p) => p.status === 'done');
  for (const p of donePhases) {
    const commits = p.commits.map((c) => code(shortCommit(c.commit))).join(', ');
    out.push(`- Phase ${p.id}: ${code(`ssot rollback --phase ${p.id}`)} — reverts ${commits}; the gates run again.`);
  }
  if (donePhases.length) {
    out.push(`- One file: ${code('ssot rollback --file PATH')} — the file as before its phase, as a commit.`);
    out.push(`- Everything: ${code('ssot rollback --all')} — every done phase reverted, newest first.`);
  } else {
    out.push('No phase is in force: there is nothing to roll back.');
  }
  out.push('');
  return `${out.join('\n')}\n`;
}

/** The daily update to engineering (seed §8.2): what changed in the window, where each phase stands, what is next. */
export function renderStatusMarkdown(doc: ReportDocument): string {
  const name = path.basename(doc.root);
  const { done, rolledBack } = counts(doc);
  const now = doc.totals.now;
  const out: string[] = [`# Daily update: ${name} — ${day(doc.generatedAt)}`, ''];
  out.push(
    `**${done} of ${plural(doc.phases.length, 'phase')} done**${rolledBack ? `, ${rolledBack} rolled back` : ''}; ${plural(now.total, 'deprecated use')} remain in ${plural(now.files, 'file')} (${now.safe} safe, ${now.unsafe} unsafe, ${now.manual} manual).`,
    '',
  );
  if (doc.journal) out.push(`> **Blocked**: an interrupted ${code(doc.journal.command)} (started ${utc(doc.journal.startedAt)}) must be undone with ${code('ssot recover')}.`, '');

  const history = doc.history;
  out.push(`## Since ${history?.since ?? 'yesterday'}`, '');
  const points = history?.points ?? [];
  if (!history || !points.length) {
    out.push('No commit in this window.', '');
  } else {
    const first = points[0]!;
    const last = points.at(-1)!;
    out.push(`- Findings on the branch: ${first.total} → ${last.total} (${signed(last.total - first.total)}) over ${plural(history.commits, 'commit')}.`);
    for (const e of history.events) {
      const what = e.type === 'phase' ? `phase ${e.phase} committed` : e.type === 'rollback' ? `phase ${e.phase} **rolled back**` : `${code(e.file ?? '')} of phase ${e.phase} rolled back`;
      out.push(`- ${pointTime(e.date)}: ${what} — ${code(shortCommit(e.commit))} ${e.subject}`);
    }
    if (!history.events.length) out.push('- No phase was committed or rolled back.');
    out.push('');
  }

  out.push('## Phases', '');
  out.push(
    markdownTable(
      ['Phase', 'Risk', 'State', 'Safe', 'Unsafe', 'Manual', 'Last gates'],
      doc.phases.map((p) => [
        phaseTitle(p),
        p.risk ?? '—',
        phaseStateLabel(p),
        String(p.remaining.safe),
        String(p.remaining.unsafe),
        String(p.remaining.manual),
        p.gates.length ? p.gates.map((g) => `${g.name} (${g.moment}) ${g.ok ? 'pass' : '**FAIL**'}`).join(', ') : '—',
      ]),
      ['l', 'l', 'l', 'r', 'r', 'r', 'l'],
    ),
    '',
  );

  out.push('## Next', '');
  const next = doc.phases.find((p) => p.status !== 'done' && p.remaining.total > 0);
  if (next) {
    out.push(`- Phase ${phaseTitle(next)} (risk ${next.risk ?? 'not rated'}): ${plural(next.remaining.safe, 'safe fix', 'safe fixes')} in ${plural(next.files.length, 'file')} — ${code(`ssot fix --phase ${next.id}`)}.`);
  } else if (now.total === 0) {
    out.push('- Nothing: the migration is complete. Keep `ssot check` in CI.');
  } else {
    out.push('- Every phase is done; what remains needs a person.');
  }
  const people = doc.manual.reduce((n, g) => n + g.count, 0);
  if (people) out.push(`- ${plural(people, 'finding')} need a person, in ${plural(doc.manual.length, 'group')} by reason (largest: ${doc.manual[0]!.reason}, ${doc.manual[0]!.count}); ${code('ssot report --format markdown')} lists them.`);
  for (const p of doc.phases.filter((x) => x.failure)) out.push(`- Phase ${p.id} failed at ${p.failure!.stage}: ${p.failure!.reason}.`);
  if (doc.monitor) out.push(`- Production monitor: **${doc.monitor.outcome.toUpperCase()}** — ${doc.monitor.reason}.`);
  out.push('');
  return `${out.join('\n')}\n`;
}
