/** SARIF 2.1.0 (validated against the official schema in test/report). Columns in code points. */
import { pathToFileURL } from 'node:url';
import type { BaselineEntry, BaselineState } from '../engine/baseline.js';
import type { ScanResult } from '../engine/run.js';
import type { Finding } from '../model/finding.js';
import type { CheckBaseline } from './baseline.js';
import { staleMessage } from './github.js';

/**
 * With a baseline every result carries `baselineState` (`new` or
 * `unchanged`, nothing is dropped) and each stale entry is a result with
 * `baselineState: "absent"` on its file (entries have no line).
 */
export function renderSarif(result: ScanResult, baseline?: CheckBaseline): string {
  const ruleIds = [...new Set([...result.findings.map((f) => f.rule), ...(baseline?.absent ?? []).map((e) => e.rule)])].sort();
  const boundaryRules = new Set([...result.findings.filter((f) => f.kind === 'boundary').map((f) => f.rule), ...(baseline?.absent ?? []).filter((e) => e.kind === 'boundary').map((e) => e.rule)]);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ssot',
            version: result.version,
            informationUri: 'https://github.com/ssot-tool/ssot',
            rules: ruleIds.map((id) =>
              boundaryRules.has(id)
                ? {
                    id,
                    shortDescription: { text: `Service boundary (${id})` },
                    fullDescription: { text: `Imports between services that the boundary contract ${id} forbids.` },
                    defaultConfiguration: { level: 'warning' },
                  }
                : {
                    id,
                    shortDescription: { text: `Deprecated import (${id})` },
                    fullDescription: { text: `Imports, usages and string references that must move to the canonical import of rule ${id}.` },
                    defaultConfiguration: { level: 'warning' },
                  },
            ),
          },
        },
        columnKind: 'unicodeCodePoints',
        originalUriBaseIds: { SRCROOT: { uri: `${pathToFileURL(result.root).href}/` } },
        results: [
          ...result.findings.map((f, i) => findingResult(f, ruleIds, baseline?.states[i])),
          ...(baseline?.absent ?? []).map((e) => staleResult(e, ruleIds, baseline!)),
        ],
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [...result.errors, ...result.warnings].map((p) => ({
              level: result.errors.includes(p) ? 'error' : 'warning',
              message: { text: p.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: relativeUri(p.file), uriBaseId: 'SRCROOT' } } }],
            })),
          },
        ],
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function findingResult(f: Finding, ruleIds: readonly string[], state: BaselineState | undefined) {
  return {
    ruleId: f.rule,
    ruleIndex: ruleIds.indexOf(f.rule),
    level: 'warning',
    kind: 'fail',
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: relativeUri(f.file), uriBaseId: 'SRCROOT' },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
    properties: {
      kind: f.kind,
      symbol: f.symbol,
      local: f.local,
      usage: f.usage,
      service: f.service,
      phase: f.phase,
      parseErrors: f.parseErrors,
      ...(f.fix ? { fix: f.fix, reason: f.reason } : {}),
      ...(f.scope !== undefined ? { scope: f.scope } : {}),
      ...(f.boundary !== undefined ? { boundary: f.boundary } : {}),
    },
    ...(state ? { baselineState: state } : {}),
  };
}

/** A baseline entry no finding matches any more: a result on its file (entries have no line). */
function staleResult(e: BaselineEntry, ruleIds: readonly string[], baseline: CheckBaseline) {
  return {
    ruleId: e.rule,
    ruleIndex: ruleIds.indexOf(e.rule),
    level: baseline.strict ? 'error' : 'note',
    kind: 'fail',
    message: { text: staleMessage(e, baseline.file) },
    locations: [{ physicalLocation: { artifactLocation: { uri: relativeUri(e.file), uriBaseId: 'SRCROOT' } } }],
    properties: { kind: e.kind, scope: e.scope, text: e.text, occurrence: e.occurrence },
    baselineState: 'absent',
  };
}

/** A posix relative path as a relative URI reference: each segment percent-encoded (`#`, `?`, `%`, spaces, non-ASCII). */
function relativeUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}
