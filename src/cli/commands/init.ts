/** `ssot init [PATH]`: writes a commented starter ssot.config.yaml (never overwrites). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { adapterFor, DEFAULT_LANGUAGE, LANGUAGE_IDS, type LanguageId } from '../../languages/registry.js';
import { UserError } from '../../model/errors.js';
import { writeFileAtomic } from '../../workspace/files.js';
import { resolveRoot } from '../io.js';

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('write a commented starter ssot.config.yaml')
    .argument('[path]', 'folder to write it in', '.')
    .option('--force', 'overwrite an existing config')
    .addOption(new Option('--language <id>', 'the language of the repository').choices(LANGUAGE_IDS).default(DEFAULT_LANGUAGE))
    .action((pathArg: string, options: { force?: boolean; language: LanguageId }) => {
      const root = resolveRoot(pathArg);
      const file = path.join(root, 'ssot.config.yaml');
      if (existsSync(file) && !options.force) {
        throw new UserError(`${path.relative(process.cwd(), file) || file} already exists`, { hint: 'pass --force to overwrite it' });
      }
      writeFileAtomic(file, adapterFor(options.language).starterConfig);
      process.stdout.write(`wrote ${path.relative(process.cwd(), file) || file}\n`);
    });
}
