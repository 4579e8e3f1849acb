import type { ScanResult } from '../engine/run.js';
import type { Finding } from '../model/finding.js';
import type { CheckBaseline } from './baseline.js';

/** One finding of the JSON contract, keys in the documented order (`fix` and `reason` when planned). */
export function findingJson(f: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = {
    rule: f.rule,
    kind: f.kind,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    symbol: f.symbol,
    local: f.local,
    usage: f.usage,
    service: f.service,
    phase: f.phase,
    parseErrors: f.parseErrors,
    message: f.message,
  };
  if (f.fix !== undefined) out.fix = f.fix;
  if (f.reason !== undefined) out.reason = f.reason;
  if (f.boundary !== undefined) out.boundary = f.boundary;
  return out;
}

/**
 * The JSON contract: key order as documented in the README. With a baseline, each finding has `baselineState` and `baseline` lists the stale entries.
 *
 * The document comes in pieces (its opening, then a piece per 64 findings,
 * then its close) whose concatenation is exactly `JSON.stringify(report, null, 2)`
 * and a newline: a report of 40,000 findings (30 MB) is written while it is
 * rendered instead of being held, and converted, as one string.
 */
export function* renderJson(result: ScanResult, baseline?: CheckBaseline): Generator<string, void, undefined> {
  yield `{\n${member('tool', result.tool)},\n${member('version', result.version)},\n${member('root', result.root)},\n`;
  const { findings } = result;
  if (findings.length === 0) yield '  "findings": [],\n';
  else {
    yield '  "findings": [\n';
    for (let from = 0; from < findings.length; from += FINDINGS_PER_PIECE) {
      const to = Math.min(findings.length, from + FINDINGS_PER_PIECE);
      const outs: Record<string, unknown>[] = [];
      for (let i = from; i < to; i++) {
        const f = findings[i]!;
        const out = findingJson(f);
        if (f.scope !== undefined) out.scope = f.scope;
        if (baseline) out.baselineState = baseline.states[i];
        outs.push(out);
      }
      // stringified inside a `findings` member, the elements come out indented as the document has them
      const json = JSON.stringify({ findings: outs }, null, 2);
      yield `${json.slice(PIECE_HEAD.length, json.length - PIECE_TAIL.length)}${to < findings.length ? ',' : ''}\n`;
    }
    yield '  ],\n';
  }
  const tail = [member('summary', result.summary), member('errors', result.errors), member('warnings', result.warnings)];
  if (baseline) {
    const count = (state: string) => baseline.states.filter((s) => s === state).length;
    tail.push(member('baseline', { file: baseline.file, new: count('new'), unchanged: count('unchanged'), absent: baseline.absent }));
  }
  yield `${tail.join(',\n')}\n}\n`;
}

/** Findings per piece of the document: a JSON.stringify call each (one per finding cost three times as much), its string (about 50 KB) below V8's large-object size (128 KB), which takes fresh pages each. */
const FINDINGS_PER_PIECE = 64;
const PIECE_HEAD = '{\n  "findings": [\n';
const PIECE_TAIL = '\n  ]\n}';

/** `"key": value` as a member of the top-level object (indented by two, as JSON.stringify(…, null, 2) does). */
function member(key: string, value: unknown): string {
  return `  ${JSON.stringify(key)}: ${indented(JSON.stringify(value, null, 2), '  ')}`;
}

/** Pretty JSON nested `by` deeper (its newlines are its own: a JSON string holds none). */
function indented(json: string, by: string): string {
  return json.replaceAll('\n', `\n${by}`);
}
