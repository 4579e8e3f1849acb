import type { Ban, RawFinding } from '../../core/model.js';
import { isAtOrUnder } from '../../core/model.js';
import { getParser } from '../../parsing/treeSitter.js';
import type { FilePlanInput, FilePlanOutput, FileScanInput, FileScanOutput, LanguageAdapter } from '../adapter.js';
import type { SyntaxNode } from '../../parsing/treeSitter.js';
import { analyzePythonFile, type PythonFileAnalysis } from './analyze.js';
import { planPythonFixes } from './fix.js';
import { mayHaveFindings, planPrefilter, type PrefilterPlan } from './importPrefilter.js';
import { moduleContextOf, resolveRelativeModule } from './moduleNames.js';
import { analyzeScopes, relevanceOf } from './scopes.js';
import { LiteTree } from '../../parsing/liteTree.js';

/** Second-stage plans per ban set (callers reuse one array per set of active bans). */
const prefilterPlans = new WeakMap<readonly Ban[], PrefilterPlan>();

/** The module a ban lives in: `a.b.M` for symbol `a.b.M.N`, the path itself for a module ban. */
function banModule(ban: Ban): string {
  if (ban.kind === 'module') return ban.path;
  const dot = ban.path.lastIndexOf('.');
  return dot < 0 ? ban.path : ban.path.slice(0, dot);
}

export const pythonAdapter: LanguageAdapter = {
  id: 'python',
  defaultInclude: ['**/*.py', '**/*.pyi'],

  needles(bans) {
    // Any import that reaches module a.b.M names its last segment `M`
    // (`from .M import`, `from a.b import M`, `import a.b.M`), and so does
    // every string reference to a path under it.
    const needles = new Set<string>();
    for (const ban of bans) {
      const module = banModule(ban);
      needles.add(module.slice(module.lastIndexOf('.') + 1));
    }
    // a needle that contains another is implied by it: one search fewer per file
    const all = [...needles];
    return all.filter((n) => !all.some((other) => other !== n && n.includes(other)));
  },

  alwaysCandidate(rel, bans, sourceRoots) {
    const context = moduleContextOf(rel, sourceRoots);
    if (context.package === null || context.package === '') return false;
    // inside the banned package, `from . import N` names neither the package nor its path
    return bans.some((ban) => isAtOrUnder(context.package!, banModule(ban)) || isAtOrUnder(context.package!, ban.path));
  },

  mayHaveFindings({ rel, bytes, bans, sourceRoots }) {
    let plan = prefilterPlans.get(bans);
    if (!plan) {
      plan = planPrefilter(bans);
      prefilterPlans.set(bans, plan);
    }
    return mayHaveFindings(bytes, rel, sourceRoots, plan);
  },

  async scanFile(input: FileScanInput): Promise<FileScanOutput> {
    const parser = await getParser('python');
    const tree = parser.parse(input.text);
    if (!tree) throw new Error(`tree-sitter returned no tree for ${input.rel}`);
    const lite = new LiteTree(tree, input.text);
    try {
      const root = lite.root;
      // planning asks whether the canonical names are free: they must be resolved too
      const extraNames = input.plan ? [...input.plan.rules.values()].flatMap((r) => [r.canonical.local, ...(r.types ? [r.types.local] : [])]) : [];
      const analysis = analyzePythonFile(root, moduleContextOf(input.rel, input.sourceRoots), input.bans, extraNames);
      const output = scanOutput(root, analysis);
      if (!input.plan || !analysis.findings.length) return output;
      const packageInit = input.rel === '__init__.py' || input.rel.endsWith('/__init__.py');
      const plan = planPythonFixes(root, input.text, analysis, input.plan.rules, { unsafe: input.plan.unsafe, packageInit });
      return { ...output, fixes: { edits: plan.edits, perFinding: plan.perFinding, applied: plan.applied } };
    } finally {
      lite.dispose();
      tree.delete();
    }
  },

  async planFile(input: FilePlanInput): Promise<FilePlanOutput> {
    const output = await this.scanFile({ ...input, plan: { rules: input.rules, unsafe: input.unsafe } });
    const fixes = output.fixes ?? { edits: [], perFinding: [], applied: [] };
    return { ...output, edits: fixes.edits, perFinding: fixes.perFinding, applied: fixes.applied };
  },

  async validateRewrite({ rel, before, after, sourceRoots, placed }) {
    const parser = await getParser('python');
    const tree = parser.parse(after);
    if (!tree) return 'the result could not be parsed';
    const lite = new LiteTree(tree, after);
    try {
      if (lite.root.hasError) {
        const old = parser.parse(before);
        const hadErrors = old?.rootNode.hasError ?? false;
        old?.delete();
        if (!hadErrors) return 'the result does not parse';
      }
      if (!placed.length) return null;
      const context = moduleContextOf(rel, sourceRoots);
      // only the placed names are asked about: whatever binds or shadows them spells them
      const relevant = relevanceOf(lite.root, ['import', ...placed.map((p) => p.name)]);
      const scopes = analyzeScopes(lite.root, (level, module) => resolveRelativeModule(context, level, module), relevant);
      const byStart = new Map(scopes.references.map((r) => [r.node.startIndex, r]));
      for (const p of placed) {
        const ref = byStart.get(p.start);
        if (!ref || ref.name !== p.name) return `internal: no reference \`${p.name}\` where the rewrite placed it`;
        if (!ref.candidates.length) return `\`${p.name}\` would be unbound here`;
        if (!ref.candidates.every((c) => c.import?.qualifiedName === p.binds || c.kind === 'assignment')) {
          return `\`${p.name}\` would not refer to ${p.binds} here`;
        }
        if (!ref.candidates.some((c) => c.import?.qualifiedName === p.binds)) return `\`${p.name}\` would not refer to ${p.binds} here`;
      }
      return null;
    } finally {
      lite.dispose();
      tree.delete();
    }
  },
};

function scanOutput(root: SyntaxNode, analysis: PythonFileAnalysis): FileScanOutput {
  const statementRanges = new Map<RawFinding, { start: number; end: number }>();
  for (const finding of analysis.findings) {
    if (finding.kind !== 'import') continue;
    let node: SyntaxNode | null = root.descendantForIndex(finding.range.start);
    while (node && node.type !== 'import_statement' && node.type !== 'import_from_statement') node = node.parent;
    if (node) statementRanges.set(finding, { start: node.startIndex, end: node.endIndex });
  }
  return { findings: analysis.findings, parseErrors: root.hasError, suppressions: analysis.suppressions, statementRanges };
}
