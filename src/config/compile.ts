/**
 * Turns a schema-valid raw config into the runtime Config: import statements
 * parsed, bans derived, cross references (replaceWith → canonical) checked,
 * globs normalised. Errors name file, line and key.
 */
import path from 'node:path';
import type { Ban, ImportSpec, ImportTarget } from '../model/finding.js';
import { UserError } from '../model/errors.js';
import { adapterFor } from '../languages/registry.js';
import { displayPath, formatKeyPath, locateConfig, readRawConfig, type LoadedRawConfig } from './load.js';
import type { RawConfig, RawGate, RawPhase } from './schema.js';

/** Always excluded (as ruff does), on top of .gitignore and `exclude`. */
export const DEFAULT_EXCLUDE = [
  '**/.git/**',
  '**/.hg/**',
  '**/.svn/**',
  '**/node_modules/**',
  '**/.venv/**',
  '**/venv/**',
  '**/.tox/**',
  '**/.nox/**',
  '**/__pycache__/**',
  '**/.mypy_cache/**',
  '**/.ruff_cache/**',
  '**/.pytest_cache/**',
  '**/.ssot/**',
];

/** A canonical or `types` target with the statement as written in the config. */
export interface ConfigTarget extends ImportTarget {
  /** The statement as written in the config. */
  readonly statement: string;
}

export interface Rule {
  readonly id: string;
  readonly bans: readonly Ban[];
  readonly canonical: ConfigTarget & { readonly id: string };
  readonly types: ConfigTarget | undefined;
  readonly allowIn: readonly string[];
  readonly message: string | undefined;
}

export interface Phase {
  readonly id: string;
  readonly title: string | undefined;
  readonly risk: 'critical' | 'high' | 'medium' | 'low' | undefined;
  readonly files: readonly string[];
  readonly include: readonly string[];
  readonly rules: readonly string[] | undefined;
}

export type Gate = RawGate;

export interface Config {
  /** Absolute path of the config file. */
  readonly file: string;
  readonly language: RawConfig['language'];
  /** Source roots relative to the scan root, posix, no trailing slash ('' for the root itself). */
  readonly sourceRoots: readonly string[];
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly services: readonly { readonly name: string; readonly globs: readonly string[] }[];
  readonly rules: readonly Rule[];
  readonly phases: readonly Phase[];
  readonly gates: readonly Gate[];
  readonly monitor: unknown;
}

export async function loadConfig(root: string, explicit?: string): Promise<Config> {
  const file = locateConfig(root, explicit);
  return compileConfig(readRawConfig(file));
}

export async function compileConfig(loaded: LoadedRawConfig): Promise<Config> {
  const { raw, file } = loaded;
  const fail = (keyPath: (string | number)[], message: string): never => {
    const line = loaded.lineOf(keyPath) ?? 1;
    throw new UserError(`${displayPath(file)}:${line}: \`${formatKeyPath(keyPath)}\` ${message}`);
  };

  const adapter = adapterFor(raw.language);
  const parseImportSpec = (text: string) => adapter.parseImportSpec(text);
  const canonical = new Map<string, ConfigTarget & { id: string }>();
  for (const [id, statement] of Object.entries(raw.canonical)) {
    const spec = await parseImportSpec(statement);
    const single = singleName(spec);
    if ('error' in single) fail(['canonical', id], `${single.error}: "${statement}" (expected \`from module import name\`)`);
    else canonical.set(id, { id, ...single, statement });
  }

  const ruleIds = new Set<string>();
  const rules: Rule[] = [];
  for (const [index, rule] of raw.rules.entries()) {
    if (ruleIds.has(rule.id)) fail(['rules', index, 'id'], `duplicates rule id "${rule.id}"`);
    ruleIds.add(rule.id);
    const target = canonical.get(rule.replaceWith);
    if (!target) {
      const known = [...canonical.keys()].map((k) => `"${k}"`).join(', ') || 'none';
      fail(['rules', index, 'replaceWith'], `names no canonical id: "${rule.replaceWith}" (known: ${known})`);
    }
    const bans: Ban[] = [];
    for (const [i, statement] of rule.deprecated.entries()) {
      const spec = await parseImportSpec(statement);
      if ('error' in spec) fail(['rules', index, 'deprecated', i], `${spec.error}: "${statement}"`);
      else bans.push(...bansOf(rule.id, spec, statement));
    }
    let types: ConfigTarget | undefined;
    if (rule.types !== undefined) {
      const spec = await parseImportSpec(rule.types);
      const single = singleName(spec);
      if ('error' in single) fail(['rules', index, 'types'], `${single.error}: "${rule.types}" (expected \`from module import Class\`)`);
      else types = { ...single, statement: rule.types };
    }
    rules.push({
      id: rule.id,
      bans: types ? bans.map((ban) => ({ ...ban, typesPath: `${types!.module}.${types!.name}` })) : bans,
      canonical: target!,
      types,
      allowIn: rule.allowIn.map(normaliseGlob),
      message: rule.message,
    });
  }

  const phaseIds = new Set<string>();
  const phases: Phase[] = raw.phases.map((phase: RawPhase, index) => {
    if (phaseIds.has(phase.id)) fail(['phases', index, 'id'], `duplicates phase id "${phase.id}"`);
    phaseIds.add(phase.id);
    for (const [i, ruleId] of (phase.rules ?? []).entries()) {
      if (!ruleIds.has(ruleId)) fail(['phases', index, 'rules', i], `names no rule id: "${ruleId}"`);
    }
    return {
      id: phase.id,
      title: phase.title,
      risk: phase.risk,
      files: phase.files.map(normalisePath),
      include: phase.include.map(normaliseGlob),
      rules: phase.rules,
    };
  });

  const gateNames = new Set<string>();
  for (const [index, gate] of raw.gates.entries()) {
    if (gateNames.has(gate.name)) fail(['gates', index, 'name'], `duplicates gate name "${gate.name}"`);
    gateNames.add(gate.name);
  }

  return {
    file,
    language: raw.language,
    sourceRoots: raw.sourceRoots.map(normalisePath),
    include: (raw.include ?? adapter.defaultInclude).map(normaliseGlob),
    exclude: [...DEFAULT_EXCLUDE, ...raw.exclude.map(normaliseGlob)],
    services: Object.entries(raw.services).map(([name, globs]) => ({
      name,
      globs: (typeof globs === 'string' ? [globs] : globs).map(normaliseGlob),
    })),
    rules,
    phases,
    gates: raw.gates,
    monitor: raw.monitor,
  };
}

function singleName(spec: ImportSpec | { error: string }): Omit<ConfigTarget, 'statement'> | { error: string } {
  if ('error' in spec) return spec;
  const first = spec.names[0];
  if (spec.kind !== 'from' || spec.names.length !== 1 || !first || first.name === '*') {
    return { error: 'must import exactly one name' };
  }
  return { module: spec.module, name: first.name, local: first.alias ?? first.name };
}

function bansOf(ruleId: string, spec: ImportSpec, source: string): Ban[] {
  if (spec.kind === 'import') return [{ ruleId, kind: 'module', path: spec.module, source }];
  return spec.names.map(({ name }) =>
    name === '*'
      ? { ruleId, kind: 'module' as const, path: spec.module, source }
      : { ruleId, kind: 'symbol' as const, path: `${spec.module}.${name}`, source },
  );
}

/** Posix, no leading `./`, no trailing `/`; `.` becomes ''. */
export function normalisePath(p: string): string {
  let out = p.split(path.sep).join('/');
  while (out.startsWith('./')) out = out.slice(2);
  while (out.endsWith('/') && out.length > 1) out = out.slice(0, -1);
  return out === '.' ? '' : out;
}

function normaliseGlob(glob: string): string {
  const out = normalisePath(glob);
  return out === '' ? '**' : out;
}
