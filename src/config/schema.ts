/**
 * The raw shape of ssot.config.yaml, as the user writes it. Parsed and then
 * compiled into runtime types by ./compile.ts (as ast-grep separates raw rule
 * data from validated runtime rules). `npm run build` emits the JSON Schema in
 * schema/ssot.config.schema.json from this file (see ./jsonSchema.ts).
 */
import { z } from 'zod';
import { DEFAULT_LANGUAGE, LANGUAGE_IDS } from '../languages/registry.js';
import { monitorConfigSchema } from './monitorSchema.js';

const globList = z.union([z.string(), z.array(z.string())]);

export const ruleSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .describe('Rule id, shown with every finding and used by `# ssot: ignore[id]`.'),
    deprecated: z
      .array(z.string())
      .min(1)
      .describe('Import statements naming what is banned: `from M import N, …` bans symbols M.N, `import M` bans module M and everything under it.'),
    replaceWith: z.string().describe('A key of `canonical`: the import the deprecated names move to (paired by name when it imports several).'),
    types: z
      .string()
      .optional()
      .describe('Optional `from M import Class`: the class to use where a deprecated class appears in type positions (annotations, isinstance, spec=, base classes).'),
    map: z
      .record(z.string(), z.string())
      .optional()
      .describe('Explicit pairs of deprecated name (or path under a banned module) → canonical name (or dotted path), where pairing by name does not say it.'),
    mode: z
      .enum(['move', 'replace'])
      .optional()
      .describe('move: the same object in a new home (only imports change); replace: a different object (uses are rewritten). Default: inferred from what the names are in the tree, else from their spelling.'),
    allowIn: z.array(z.string()).default([]).describe('Globs of files where the deprecated import is legitimate.'),
    message: z.string().optional().describe('Text shown with each finding.'),
    shim: z
      .object({
        warning: z.boolean().default(true).describe('Compatibility modules emit a DeprecationWarning naming the replacement on import (false: silent).'),
        legacyFlag: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
          .optional()
          .describe('Environment variable that, when set, makes a compatibility module bind its old implementation again (kept in a private module next to it) — an emergency switch.'),
      })
      .strict()
      .default({ warning: true })
      .describe('How `ssot shim` writes the compatibility modules of this rule.'),
  })
  .strict();

export const phaseSchema = z
  .object({
    id: z.string().min(1),
    title: z.string().optional(),
    risk: z.enum(['critical', 'high', 'medium', 'low']).optional(),
    files: z.array(z.string()).default([]).describe('Explicit files; beat `include` globs of every phase.'),
    include: z.array(z.string()).default([]).describe('Globs; the first phase whose globs match a file owns it.'),
    rules: z.array(z.string()).optional().describe('Rule ids this phase fixes (default: all).'),
  })
  .strict();

export const gateSchema = z
  .object({
    name: z.string().min(1),
    run: z.string().min(1).describe('Command line run with `sh -c` from the repository root.'),
    cwd: z.string().optional().describe('Working directory relative to the repository root.'),
    timeout: z.number().positive().optional().describe('Seconds before the whole process group is killed (default 600).'),
    env: z.record(z.string(), z.string()).optional(),
    when: z.enum(['before', 'after', 'both']).default('both'),
    affected: z
      .boolean()
      .optional()
      .describe('The gate runs the affected tests (`{affected}` in `run` implies it): with no affected test it is skipped, not run. Default false.'),
    onFailure: z
      .enum(['fail', 'isolate'])
      .default('fail')
      .describe('After a phase: `fail` undoes the phase; `isolate` finds the files whose fixes make the gate fail and commits the phase without them.'),
    maxTrials: z.number().int().positive().default(12).describe('With `onFailure: isolate`: the most gate runs spent on finding the culprit files.'),
  })
  .strict();

const serviceList = z.array(z.string().min(1)).min(1);
const allowList = z
  .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'a dotted module name'))
  .default([])
  .describe('Imported modules (dotted; each allows everything under it) this contract lets through, e.g. the canonical module.');
const contractName = z.string().min(1).optional().describe('Shown with every violation and used as the finding\'s rule (default: the type and its services).');

/** The contract types of `boundaries:` (model/boundary.ts ContractType). */
export const BOUNDARY_TYPES = ['forbidden', 'independence', 'layers'] as const;

export const boundarySchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('forbidden'),
      name: contractName,
      from: serviceList.describe('Services that must not import …'),
      to: serviceList.describe('… these services.'),
      allow: allowList,
    })
    .strict()
    .describe('No service of `from` imports a service of `to` (import-linter\'s forbidden contract).'),
  z
    .object({
      type: z.literal('independence'),
      name: contractName,
      services: serviceList.describe('Services that import none of each other.'),
      allow: allowList,
    })
    .strict()
    .describe('No service of `services` imports another of them (import-linter\'s independence contract).'),
  z
    .object({
      type: z.literal('layers'),
      name: contractName,
      layers: z
        .array(z.union([z.string().min(1), serviceList]))
        .min(2)
        .describe('Top layer first; each a service or a list of services. A service imports only its own layer and the layers below it.'),
      allow: allowList,
    })
    .strict()
    .describe('Higher layers may import lower ones, never the reverse (import-linter\'s layers contract).'),
]);

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1),
    language: z.enum(LANGUAGE_IDS).default(DEFAULT_LANGUAGE),
    sourceRoots: z.array(z.string()).default(['.']),
    include: z.array(z.string()).optional().describe('Default per language: ["**/*.py", "**/*.pyi"] for python.'),
    exclude: z.array(z.string()).default([]),
    services: z.record(z.string(), globList).default({}),
    boundaries: z
      .array(boundarySchema)
      .default([])
      .describe('Contracts on the imports between `services`: `ssot check` reports violations, and a phase that would add a forbidden import is refused.'),
    canonical: z.record(z.string(), z.string()),
    rules: z.array(ruleSchema).min(1),
    phases: z.array(phaseSchema).default([]),
    gates: z.array(gateSchema).default([]),
    testFiles: z
      .array(z.string())
      .optional()
      .describe('Globs of test files (`ssot affected`, `{affected}`). Default per language: ["**/test_*.py", "**/*_test.py"] for python (pytest\'s).'),
    monitor: monitorConfigSchema.optional().describe('Sources and thresholds for `ssot monitor` (see the README).'),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type RawPhase = z.infer<typeof phaseSchema>;
export type RawGate = z.infer<typeof gateSchema>;
export type RawBoundary = z.infer<typeof boundarySchema>;
