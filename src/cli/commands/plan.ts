/** `ssot plan [PATH]`: per phase — risk, files, findings by applicability, gates, state; `--format markdown` is the stakeholder briefing. */
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { migrateHistory } from '../history.js';
import { TOOL_VERSION } from '../../model/version.js';
import { planPhases } from '../../phases/plan.js';
import { renderPlanMarkdown, renderPlanText } from '../../report/phases.js';
import { colorsFor, emit, resolveRoot, withRootAndConfig } from '../io.js';

export function registerPlanCommand(program: Command): void {
  withRootAndConfig(program.command('plan').description('what each phase will do: risk, files, safe / unsafe / manual findings, gates, state'))
    .addOption(new Option('-f, --format <format>', 'output format (markdown: the stakeholder briefing)').choices(['text', 'markdown', 'json']).default('text'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (pathArg: string, options: { config?: string; format: 'text' | 'markdown' | 'json'; output?: string }) => {
      const root = resolveRoot(pathArg);
      const config = await loadConfig(root, options.config);
      await migrateHistory(root);
      const plan = await planPhases({ root, config });
      const text =
        options.format === 'markdown'
          ? renderPlanMarkdown(plan, TOOL_VERSION)
          : options.format === 'json'
            ? `${JSON.stringify(plan, null, 2)}\n`
            : renderPlanText(plan, options.output ? undefined : colorsFor(process.stdout));
      await emit(text, options.output);
      process.exitCode = 0;
    });
}
