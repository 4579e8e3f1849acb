import type { Ban, RawFinding } from '../../core/model.js';
import { isAtOrUnder } from '../../core/model.js';
import { getParser } from '../../parsing/treeSitter.js';
import type { FileScanInput, FileScanOutput, LanguageAdapter } from '../adapter.js';
import { analyzePythonFile } from './analyze.js';
import { moduleContextOf } from './moduleNames.js';

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
    return [...needles];
  },

  alwaysCandidate(rel, bans, sourceRoots) {
    const context = moduleContextOf(rel, sourceRoots);
    if (context.package === null || context.package === '') return false;
    // inside the banned package, `from . import N` names neither the package nor its path
    return bans.some((ban) => isAtOrUnder(context.package!, banModule(ban)) || isAtOrUnder(context.package!, ban.path));
  },

  async scanFile(input: FileScanInput): Promise<FileScanOutput> {
    const parser = await getParser('python');
    const tree = parser.parse(input.text);
    if (!tree) throw new Error(`tree-sitter returned no tree for ${input.rel}`);
    try {
      const context = moduleContextOf(input.rel, input.sourceRoots);
      const analysis = analyzePythonFile(tree.rootNode, context, input.bans);
      const statementRanges = new Map<RawFinding, { start: number; end: number }>();
      for (const finding of analysis.findings) {
        if (finding.kind !== 'import') continue;
        let node = tree.rootNode.descendantForIndex(finding.range.start);
        while (node && node.type !== 'import_statement' && node.type !== 'import_from_statement') node = node.parent;
        if (node) statementRanges.set(finding, { start: node.startIndex, end: node.endIndex });
      }
      return {
        findings: analysis.findings,
        parseErrors: tree.rootNode.hasError,
        suppressions: analysis.suppressions,
        statementRanges,
      };
    } finally {
      tree.delete();
    }
  },
};
