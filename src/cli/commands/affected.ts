/** `ssot affected [FILES…] [--phase ID | --since REF]`: the test files a change affects, through the import graph. */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { UserError } from '../../model/errors.js';
import { affectedTests, type AffectedTarget } from '../../phases/affected.js';
import { renderAffectedJson, renderAffectedSummary, renderAffectedText } from '../../report/affected.js';
import { resolveRoot } from '../io.js';

interface AffectedCliOptions {
  root: string;
  config?: string;
  phase?: string;
  since?: string;
  format: 'text' | 'json';
  why?: boolean;
  typeChecking?: boolean;
  cache?: boolean;
}

/** FILES (relative to the working directory) as root-relative posix paths; one outside the root is a usage error. */
function rootRelative(root: string, files: readonly string[]): string[] {
  return files.map((file) => {
    const rel = path.relative(root, path.resolve(file));
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new UserError(`${file}: not a file under the root ${root}`, { hint: 'pass --root DIR for another tree' });
    return rel.split(path.sep).join('/');
  });
}

export function registerAffectedCommand(program: Command): void {
  program
    .command('affected')
    .description('the test files a change affects: FILES, a phase\'s files (--phase), or what changed since a ref (--since); one per line')
    .argument('[files...]', 'changed files (relative to the working directory)')
    .option('-r, --root <dir>', 'root of the monorepo (where ssot.config.yaml is)', '.')
    .option('-c, --config <file>', 'config file (default: ssot.config.yaml in the root)')
    .option('--phase <id>', 'the files the phase committed (done) or would change (pending)')
    .option('--since <ref>', 'the files changed since the merge base of REF and HEAD, committed or not')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--why', 'text: after each test, the import chain that makes it affected')
    .option('--type-checking', 'also follow imports made only for type checkers (`if TYPE_CHECKING:`)')
    .option('--no-cache', 'neither read nor write the import graph\'s cache in ROOT/.ssot/cache')
    .action(async (files: string[], options: AffectedCliOptions) => {
      const root = resolveRoot(options.root);
      const given = [files.length > 0, options.phase !== undefined, options.since !== undefined].filter(Boolean).length;
      if (given !== 1) throw new UserError('name the change: FILES…, --phase ID or --since REF (one of them)', { hint: 'e.g. `ssot affected --since main` or `ssot affected app/models.py`' });
      const config = await loadConfig(root, options.config);
      const target: AffectedTarget =
        options.phase !== undefined ? { kind: 'phase', phase: options.phase } : options.since !== undefined ? { kind: 'since', ref: options.since } : { kind: 'files', files: rootRelative(root, files) };
      const result = await affectedTests({ root, config, target, cache: options.cache !== false, typeChecking: options.typeChecking });
      process.stdout.write(options.format === 'json' ? renderAffectedJson(result) : renderAffectedText(result, { why: options.why }));
      process.stderr.write(renderAffectedSummary(result));
      process.exitCode = 0;
    });
}
