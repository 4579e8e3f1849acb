/** The config's phases, rules and services looked up by the ids a user typed (`--phase`, `--rule`, `--service`): a usage error names the known ones. */
import { UserError } from '../model/errors.js';
import type { Config, Phase, Rule } from './compile.js';

export function findPhase(config: Config, id: string): Phase {
  const phase = config.phases.find((p) => p.id === id);
  if (!phase) {
    throw new UserError(`--phase ${id}: no such phase (known: ${config.phases.map((p) => p.id).join(', ') || 'none'})`, {
      hint: config.phases.length ? undefined : 'declare phases in ssot.config.yaml (`phases:`), or run `ssot fix` without --phase',
    });
  }
  return phase;
}

export function findRule(config: Config, id: string): Rule {
  const rule = config.rules.find((r) => r.id === id);
  if (!rule) throw new UserError(`--rule ${id}: no such rule (known: ${config.rules.map((r) => r.id).join(', ')})`);
  return rule;
}

export function requireService(config: Config, name: string): void {
  if (!config.services.some((s) => s.name === name)) {
    throw new UserError(`--service ${name}: no such service (known: ${config.services.map((s) => s.name).join(', ') || 'none'})`);
  }
}
