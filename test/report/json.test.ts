/** The scan's JSON report comes in pieces: together they are exactly the pretty-printed document. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScanResult } from '../../src/engine/run.js';
import type { Finding } from '../../src/model/finding.js';
import { findingJson, renderJson } from '../../src/report/json.js';

function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'r',
    kind: 'usage',
    file: 'a/b "quoted"\\ \u2028.py',
    line: 3,
    column: 5,
    endLine: 3,
    endColumn: 9,
    symbol: 'm.N',
    local: 'N',
    usage: 'call-no-args',
    service: null,
    phase: 'p1',
    parseErrors: false,
    message: 'line one\nline two',
    ...over,
  };
}

function result(findings: Finding[]): ScanResult {
  return {
    tool: 'ssot',
    version: '0.1.0',
    root: '/tmp/r\n',
    findings,
    summary: { files: 2, filesWithFindings: 1, byService: { '(none)': findings.length }, byPhase: {}, byRule: { r: 1 }, byKind: { usage: 1 } },
    errors: [{ file: 'x.py', message: 'not valid UTF-8 (byte 3), skipped' }],
    warnings: [],
    rules: [{ id: 'r', canonical: 'from c import N' } as ScanResult['rules'][number]],
  };
}

/** The document as one JSON.stringify call writes it (what the report was before it came in pieces). */
function whole(r: ScanResult, extra: Record<string, unknown> = {}, perFinding: (f: Finding, i: number) => Record<string, unknown> = (f) => ({ ...findingJson(f), ...(f.scope === undefined ? {} : { scope: f.scope }) })): string {
  const doc = { tool: r.tool, version: r.version, root: r.root, findings: r.findings.map(perFinding), summary: r.summary, errors: r.errors, warnings: r.warnings, ...extra };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

describe('renderJson', () => {
  it('no findings, one, a few with every optional key and 600: the pieces join to JSON.stringify(…, null, 2)', () => {
    const many = [
      finding(),
      finding({ fix: 'safe', reason: 'why "so"', scope: 'C.m' }),
      finding({ kind: 'boundary', usage: null, scope: '', boundary: { contract: 'c', type: 'layers', toService: 's', moduleFile: 'x/y.py' } }),
      finding({ fix: 'manual' }),
    ];
    // 600: pieces of 64 findings, the last one short
    const lots = Array.from({ length: 600 }, (_, i) => many[i % many.length]!);
    for (const findings of [[], [finding()], many, lots]) {
      const pieces = [...renderJson(result(findings))];
      assert.equal(pieces.join(''), whole(result(findings)));
      if (findings === lots) assert.ok(pieces.length >= 5, `${pieces.length} pieces: the findings are not one string`);
    }
  });

  it('with a baseline: each finding has its state and the document ends with the counts', () => {
    const findings = [finding(), finding({ line: 9 }), finding({ line: 12 })];
    const states = ['new', 'unchanged', 'new'] as const;
    const absent = [{ file: 'gone.py', rule: 'r', symbol: 'm.N', scope: 'f' }];
    const baseline = { file: 'b.json', states, absent, strict: false } as unknown as Parameters<typeof renderJson>[1];
    const expected = whole(result(findings), { baseline: { file: 'b.json', new: 2, unchanged: 1, absent } }, (f, i) => ({ ...findingJson(f), baselineState: states[i] }));
    assert.equal([...renderJson(result(findings), baseline)].join(''), expected);
  });
});
