/** SARIF 2.1.0 (validated against the official schema in test/report). Columns in code points. */
import { pathToFileURL } from 'node:url';
import type { ScanResult } from '../engine/run.js';

export function renderSarif(result: ScanResult): string {
  const ruleIds = [...new Set(result.findings.map((f) => f.rule))].sort();
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
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: `Deprecated import (${id})` },
              fullDescription: { text: `Imports, usages and string references that must move to the canonical import of rule ${id}.` },
              defaultConfiguration: { level: 'warning' },
            })),
          },
        },
        columnKind: 'unicodeCodePoints',
        originalUriBaseIds: { SRCROOT: { uri: `${pathToFileURL(result.root).href}/` } },
        results: result.findings.map((f) => ({
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
          },
        })),
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

/** A posix relative path as a relative URI reference: each segment percent-encoded (`#`, `?`, `%`, spaces, non-ASCII). */
function relativeUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}
