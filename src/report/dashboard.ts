/**
 * `ssot report --format html`: one self-contained page — the report document
 * embedded as JSON, Chart.js and its annotation plugin inlined (the CLI
 * passes their bundles in: this renderer reads nothing), no request of any
 * kind at view time (a Content-Security-Policy forbids them). The burndown
 * (findings per phase over the branch's history, phase and rollback markers)
 * is drawn by Chart.js from the embedded JSON; the tables are HTML rendered
 * here from the same document, so chart, tables and `--format json` show the
 * same numbers. Readable on a phone (one column under 640px, tables scroll)
 * and printed (details open, charts resized to the page).
 */
import path from 'node:path';
import { UNASSIGNED } from '../model/finding.js';
import { formatElapsed } from '../text/duration.js';
import { plural } from '../text/plural.js';
import { eventLabel, pointTime } from './history.js';
import { burndownSeries, phaseStateLabel, shortCommit, type ReportDocument } from './reportData.js';

/** The browser bundles the page inlines (UMD builds that define `Chart` and register on it). */
export interface DashboardAssets {
  readonly chartJs: string;
  readonly annotationJs: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A script body that cannot close its <script> element early. */
const inlineScript = (js: string): string => js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

/** JSON inside <script type="application/json">: `<` escaped so no `</script>` or `<!--` can appear. */
const inlineJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const STATUS_CLASS: Record<string, string> = { done: 'ok', partial: 'wait', 'rolled-back': 'bad', pending: 'wait' };

/** Colours for the phases, in order (distinguishable, print-safe). */
const PALETTE = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626', '#4b5563', '#9333ea'];

function fileHref(root: string, file: string): string {
  const abs = path.posix.join(root.split(path.sep).join('/'), file);
  return `file://${abs.split('/').map(encodeURIComponent).join('/')}`;
}

function heatmapHtml(doc: ReportDocument): string {
  const { services, phases, cells } = doc.heatmap;
  const max = Math.max(1, ...cells.flat());
  const head = `<tr><th scope="col">service \\ phase</th>${phases.map((p) => `<th scope="col">${esc(p)}</th>`).join('')}<th scope="col">total</th></tr>`;
  const rows = services.map((s, i) => {
    const row = cells[i]!;
    const tds = row
      .map((n, j) => {
        // the heat: white at 0, saturated at the largest cell
        const alpha = n ? (0.12 + 0.78 * (n / max)).toFixed(2) : '0';
        return `<td class="cell" data-service="${esc(s)}" data-phase="${esc(phases[j]!)}" data-count="${n}" style="background:rgba(220,38,38,${alpha})${n / max > 0.6 ? ';color:#fff' : ''}">${n || '·'}</td>`;
      })
      .join('');
    return `<tr><th scope="row">${esc(s)}</th>${tds}<td class="total" data-count="${row.reduce((a, b) => a + b, 0)}">${row.reduce((a, b) => a + b, 0)}</td></tr>`;
  });
  const totals = phases.map((_, j) => cells.reduce((n, r) => n + r[j]!, 0));
  rows.push(`<tr class="totals"><th scope="row">total</th>${totals.map((n) => `<td data-count="${n}">${n}</td>`).join('')}<td data-count="${totals.reduce((a, b) => a + b, 0)}">${totals.reduce((a, b) => a + b, 0)}</td></tr>`);
  return `<div class="scroll"><table id="heatmap" class="heat"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function phasesHtml(doc: ReportDocument): string {
  return doc.phases
    .map((p) => {
      const commits = p.commits
        .map((c) => `<li><code>${esc(shortCommit(c.commit))}</code>${c.at ? ` ${esc(pointTime(c.at))} UTC — ${esc(plural(c.fixes, 'fix', 'fixes'))} in ${esc(plural(c.files, 'file'))}` : ' (reverted)'}</li>`)
        .join('');
      const gates = p.gates.length
        ? `<div class="scroll"><table class="gates"><thead><tr><th>gate</th><th>when</th><th>result</th><th>duration</th></tr></thead><tbody>${p.gates
            .map((g) => `<tr><td>${esc(g.name)}</td><td>${esc(g.moment)}</td><td class="${g.ok ? 'ok' : 'bad'}">${g.ok ? '✔ pass' : `✘ ${esc(g.detail)}`}</td><td class="num">${esc(g.detail.startsWith('passed (') ? 'reused' : formatElapsed(g.durationMs))}</td></tr>`)
            .join('')}</tbody></table></div>`
        : '<p class="muted">no gate has run</p>';
      const notes = [
        ...(p.rollback ? [`<li class="bad">rolled back ${esc(pointTime(p.rollback.at))} UTC${p.rollback.commits.length ? ` by ${p.rollback.commits.map((c) => `<code>${esc(shortCommit(c))}</code>`).join(', ')}` : ''}</li>`] : []),
        ...(p.failure ? [`<li class="bad">last attempt failed (${esc(p.failure.stage)}): ${esc(p.failure.reason)}</li>`] : []),
        ...p.rolledBackFiles.map((f) => `<li>file rolled back: <code>${esc(f)}</code></li>`),
        ...p.culprits.map((c) => `<li class="bad">culprit: <code>${esc(c.file)}</code>${c.reason ? ` — ${esc(c.reason)}` : ''}</li>`),
        ...p.pinned.map((c) => `<li>pinned: <code>${esc(c.file)}</code>${c.reason ? ` — ${esc(c.reason)}` : ''}</li>`),
      ].join('');
      return `<article class="phase" data-phase="${esc(p.id)}">
<h3><span class="badge ${STATUS_CLASS[p.status] ?? ''}">${esc(phaseStateLabel(p))}</span> ${esc(p.id)}${p.title ? ` — ${esc(p.title)}` : ''}</h3>
<p class="muted">risk ${esc(p.risk ?? 'not rated')} · left: ${p.remaining.safe} safe, ${p.remaining.unsafe} unsafe, ${p.remaining.manual} manual in ${esc(plural(p.files.length, 'file'))}</p>
${commits ? `<ul class="commits">${commits}</ul>` : ''}${notes ? `<ul class="notes">${notes}</ul>` : ''}${gates}
</article>`;
    })
    .join('\n');
}

function manualHtml(doc: ReportDocument): string {
  if (!doc.manual.length) return '<p>No finding needs a person.</p>';
  return doc.manual
    .map((g) => {
      const services = Object.entries(g.byService)
        .map(([s, n]) => `${esc(s)} ${n}`)
        .join(' · ');
      const items = g.findings
        .map((f) => `<li><a href="${esc(fileHref(doc.root, f.file))}" title="${esc(f.message)}"><code>${esc(`${f.file}:${f.line}`)}</code></a>${f.fix === 'unsafe' ? ' <span class="badge wait">unsafe</span>' : ''}</li>`)
        .join('');
      return `<details class="manual" data-count="${g.count}"><summary><strong>${g.count}</strong> ${esc(g.reason)} <span class="muted">(${services})</span></summary><ul>${items}</ul></details>`;
    })
    .join('\n');
}

function monitorHtml(doc: ReportDocument): string {
  const m = doc.monitor;
  if (!m) return '';
  const rows = m.signals
    .map(
      (s) =>
        `<tr><td>${esc(s.id)}</td><td class="${s.status === 'fail' ? 'bad' : s.status === 'pass' ? 'ok' : 'wait'}">${esc(s.status)}</td><td class="num">${s.value === null ? '—' : esc(`${Number(s.value.toPrecision(4))} ${s.unit}`)}</td><td class="num">${s.baseline === null ? '—' : esc(`${Number(s.baseline.toPrecision(4))} ${s.unit}`)}</td><td>${esc(s.threshold)}</td></tr>`,
    )
    .join('');
  return `<section id="monitor"><h2>Production monitor</h2>
<p><span class="badge ${m.outcome === 'pass' ? 'ok' : m.outcome === 'breach' ? 'bad' : 'wait'}">${esc(m.outcome.toUpperCase())}</span> ${esc(m.reason)} <span class="muted">(${esc(m.file)}${m.startedAt ? `, ${esc(pointTime(m.startedAt))} UTC` : ''})</span></p>
<div class="scroll"><table><thead><tr><th>signal</th><th>status</th><th>value</th><th>baseline</th><th>threshold</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

const CSS = `
:root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--ok:#047857;--bad:#b91c1c;--wait:#92400e;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg)}
body{margin:0;padding:16px 24px;max-width:1200px;margin-inline:auto;line-height:1.4}
h1{font-size:1.5rem;margin:.2em 0}h2{font-size:1.15rem;margin:1.4em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}h3{font-size:1rem;margin:.2em 0}
.muted{color:var(--muted)}code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 12px}.card .n{font-size:1.6rem;font-weight:600}
.chart{position:relative;height:340px}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.9rem}th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left}
td.num,td.cell,td.total,.heat td{text-align:right;font-variant-numeric:tabular-nums}.heat th[scope=col]{text-align:right}
.phases{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
.phase{border:1px solid var(--line);border-radius:8px;padding:10px 12px;break-inside:avoid;min-width:0}.phase ul{margin:.3em 0;padding-left:1.2em}
.badge{display:inline-block;border-radius:999px;padding:0 8px;font-size:.8rem;border:1px solid currentColor}
.ok{color:var(--ok)}.bad{color:var(--bad)}.wait{color:var(--wait)}
details.manual{border-bottom:1px solid var(--line);padding:4px 0;overflow-wrap:anywhere}details.manual ul{columns:2 320px;margin:.4em 0}
a{color:#1d4ed8}
@media (max-width:640px){body{padding:10px}th,td{padding:3px 5px}.phases{grid-template-columns:1fr}.chart{height:260px}h1{font-size:1.2rem}}
@media print{body{max-width:none;padding:0}.chart{height:300px}details.manual ul{columns:2}a{color:inherit;text-decoration:none}section,article{break-inside:avoid}}
`;

/** Builds the burndown from the embedded JSON (runs in the page). */
const CLIENT = `
(function () {
  var doc = JSON.parse(document.getElementById('ssot-report').textContent);
  var spec = JSON.parse(document.getElementById('ssot-burndown').textContent);
  var charts = {};
  window.ssotDashboard = { report: doc, charts: charts };
  var canvas = document.getElementById('burndown');
  if (!canvas || !spec.labels.length || typeof Chart === 'undefined') return;
  var annotations = {};
  spec.markers.forEach(function (m, i) {
    annotations['m' + i] = {
      type: 'line', xMin: m.index, xMax: m.index, borderColor: m.rollback ? '#b91c1c' : '#047857', borderWidth: 2, borderDash: m.rollback ? [6, 4] : [],
      label: { display: true, content: m.label, position: 'start', backgroundColor: m.rollback ? '#b91c1c' : '#047857', color: '#fff', font: { size: 11 } }
    };
  });
  charts.burndown = new Chart(canvas, {
    type: 'line',
    data: {
      labels: spec.labels,
      datasets: spec.series.map(function (s, i) {
        // stacked areas: each band fills down to the one below it
        return { label: s.label, data: s.data, borderColor: s.color, backgroundColor: s.color + '66', fill: i === 0 ? 'origin' : '-1', pointRadius: 2, tension: 0 };
      })
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: { y: { stacked: true, beginAtZero: true, title: { display: true, text: 'findings' } }, x: { ticks: { maxRotation: 0, autoSkip: true } } },
      plugins: { legend: { position: 'bottom' }, annotation: { annotations: annotations },
        tooltip: { callbacks: { footer: function (items) { var i = items[0].dataIndex; return 'total ' + spec.totals[i] + (spec.events[i] ? ' — ' + spec.events[i] : ''); } } } }
    }
  });
  // printing: the canvas follows the page width
  window.addEventListener('beforeprint', function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
})();
`;

/** What the chart draws, precomputed from the document (and checked against it by the browser test). */
export function burndownSpec(doc: ReportDocument): {
  labels: string[];
  series: { label: string; phase: string; color: string; data: number[] }[];
  totals: number[];
  events: string[];
  markers: { index: number; label: string; rollback: boolean }[];
} {
  const points = doc.history?.points ?? [];
  const phases = burndownSeries(doc);
  return {
    labels: points.map((p) => `${pointTime(p.date).slice(5)} ${shortCommit(p.commit)}`),
    series: phases.map((phase, i) => ({
      label: phase === UNASSIGNED ? 'no phase' : `phase ${phase}`,
      phase,
      color: PALETTE[i % PALETTE.length]!,
      data: points.map((p) => p.byPhase[phase] ?? 0),
    })),
    totals: points.map((p) => p.total),
    events: points.map((p) => p.events.map(eventLabel).join(', ')),
    markers: points.flatMap((p, index) => p.events.map((e) => ({ index, label: eventLabel(e), rollback: e.type !== 'phase' }))),
  };
}

export function renderDashboardHtml(doc: ReportDocument, assets: DashboardAssets): string {
  const name = path.basename(doc.root);
  const now = doc.totals.now;
  const before = doc.totals.before;
  const done = doc.phases.filter((p) => p.status === 'done').length;
  const rolledBack = doc.phases.filter((p) => p.status === 'rolled-back').length;
  const cards = [
    ['now', String(now.total), `deprecated uses in ${plural(now.files, 'file')}`],
    ...(before ? [['before', String(before.total), `at ${shortCommit(before.commit)} (${before.date.slice(0, 10)})`]] : []),
    ['safe', String(now.safe), 'fixed by ssot fix --phase'],
    ['manual', String(now.manual + now.unsafe), 'need a person'],
    ['phases', `${done}/${doc.phases.length}`, `done${rolledBack ? `, ${rolledBack} rolled back` : ''}`],
    ...(doc.monitor ? [['monitor', doc.monitor.outcome.toUpperCase(), doc.monitor.reason]] : []),
  ];
  const spec = burndownSpec(doc);
  const history = doc.history;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>ssot — ${esc(name)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Migration dashboard: ${esc(name)}</h1>
<p class="muted">ssot ${esc(doc.version)} · ${esc(pointTime(doc.generatedAt))} UTC${doc.head ? ` · HEAD <code>${esc(shortCommit(doc.head))}</code>` : ''} · ${doc.rules.map((r) => `${esc(r.id)} → <code>${esc(r.canonical)}</code>`).join(' · ')}</p>
${doc.journal ? `<p class="bad"><strong>An interrupted <code>${esc(doc.journal.command)}</code> must be undone with <code>ssot recover</code>.</strong></p>` : ''}
<div class="cards">${cards.map(([k, n, d]) => `<div class="card" data-card="${esc(k!)}"><div class="muted">${esc(k!)}</div><div class="n">${esc(n!)}</div><div class="muted">${esc(d!)}</div></div>`).join('')}</div>
</header>
<section id="burndown-section"><h2>Burndown</h2>
${spec.labels.length ? `<p class="muted">Findings per phase at ${esc(plural(spec.labels.length, 'point'))} of the branch (${history?.every === 'day' ? 'daily' : 'every commit'} since ${esc(history?.since ?? '')}); green lines: phase commits, red dashed: rollbacks.</p><div class="chart"><canvas id="burndown" role="img" aria-label="findings per phase over time"></canvas></div>` : '<p class="muted">No history (not a git work tree, or no commit in the window).</p>'}
</section>
<section id="heatmap-section"><h2>Findings now: service × phase</h2>
${heatmapHtml(doc)}
</section>
<section id="phases-section"><h2>Phases</h2>
<div class="phases">
${phasesHtml(doc)}
</div>
</section>
${monitorHtml(doc)}
<section id="manual-section"><h2>Manual work, by reason</h2>
${manualHtml(doc)}
</section>
<script type="application/json" id="ssot-report">${inlineJson(doc)}</script>
<script type="application/json" id="ssot-burndown">${inlineJson(spec)}</script>
<script>${inlineScript(assets.chartJs)}</script>
<script>${inlineScript(assets.annotationJs)}</script>
<script>${inlineScript(CLIENT)}</script>
<script>window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});</script>
</body>
</html>
`;
}
