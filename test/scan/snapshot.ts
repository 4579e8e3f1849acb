/**
 * Snapshot helpers shared by the fixture tests and the example snapshot.
 *
 * A compact finding is one JSON object per line: where (file, 1-based line,
 * 1-based code-point column, end), `text` — the source between start and end,
 * cut out independently of the scanner by code points, so a wrong column shows
 * up as wrong text — then kind, usage, symbol, local and rule. `service` and
 * `phase` appear only when set, `parseErrors` only when true.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../../src/model/finding.js';
import { getParser, type WasmNode as SyntaxNode } from '../../src/parsing/treeSitter.js';
import { PYTHON_GRAMMAR } from '../../src/languages/python/grammar.js';

export interface CompactFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  text: string;
  kind: string;
  usage: string | null;
  symbol: string;
  local: string;
  rule: string;
  service?: string;
  phase?: string;
  parseErrors?: true;
}

/** Decoded text without BOM, split into lines of code points (\r\n, \r and \n end a line). */
function codePointLines(file: string): string[][] {
  let text = readFileSync(file, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.split(/\r\n|\r|\n/).map((line) => Array.from(line));
}

export function sourceText(file: string, f: Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'>): string {
  const lines = codePointLines(file);
  const out: string[] = [];
  for (let line = f.line; line <= f.endLine; line++) {
    const chars = lines[line - 1] ?? [];
    const from = line === f.line ? f.column - 1 : 0;
    const to = line === f.endLine ? f.endColumn - 1 : chars.length;
    out.push(chars.slice(from, to).join(''));
  }
  return out.join('\n');
}

export function compactFindings(root: string, result: { findings: readonly Finding[] }): CompactFinding[] {
  return result.findings.map((f) => {
    const out: CompactFinding = {
      file: f.file,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      text: sourceText(path.join(root, f.file), f),
      kind: f.kind,
      usage: f.usage,
      symbol: f.symbol,
      local: f.local,
      rule: f.rule,
    };
    if (f.service !== null) out.service = f.service;
    if (f.phase !== null) out.phase = f.phase;
    if (f.parseErrors) out.parseErrors = true;
    return out;
  });
}

/** `[` + one finding per line + `]`: small diffs, readable by eye. */
export function formatSnapshot(items: readonly unknown[]): string {
  if (!items.length) return '[]\n';
  return `[\n${items.map((item) => `  ${JSON.stringify(item)}`).join(',\n')}\n]\n`;
}

/** String index (UTF-16) of a 1-based line and code-point column in BOM-less text. */
function indexOf(text: string, line: number, column: number): number {
  let index = 0;
  for (let l = 1; l < line; l++) {
    const next = text.slice(index).search(/\r\n|\r|\n/);
    if (next < 0) return text.length;
    index += next + (text.startsWith('\r\n', index + next) ? 2 : 1);
  }
  for (let c = 1; c < column; c++) index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  return index;
}

function isDocstringLike(node: SyntaxNode): boolean {
  let n: SyntaxNode = node;
  if (n.parent?.type === 'concatenated_string') n = n.parent;
  return n.parent?.type === 'expression_statement' && n.parent.namedChildCount === 1;
}

/** Fails when a finding starts inside a comment or a docstring (a bare string statement). */
export async function assertNoFindingInCommentOrDocstring(root: string, findings: readonly Finding[]): Promise<void> {
  const parser = await getParser(PYTHON_GRAMMAR);
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  for (const [file, list] of byFile) {
    let text = readFileSync(path.join(root, file), 'utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const tree = parser.parse(text);
    assert.ok(tree, `${file}: no tree`);
    try {
      for (const f of list) {
        const at = indexOf(text, f.line, f.column);
        for (let n: SyntaxNode | null = tree.rootNode.descendantForIndex(at); n; n = n.parent) {
          assert.notEqual(n.type, 'comment', `${file}:${f.line}:${f.column}: finding inside a comment`);
          if (n.type === 'string') assert.ok(!isDocstringLike(n), `${file}:${f.line}:${f.column}: finding inside a docstring`);
        }
      }
    } finally {
      tree.delete();
    }
  }
}
