/**
 * What every step that ssot runs as a phase of its own (`ssot shim`,
 * `ssot prune --apply`) checks before it touches the tree: its phase id is
 * not taken by the config, no crash journal is pending, the root is a git
 * work tree, the gates are runnable, and no tracked file has uncommitted
 * changes (the step's commit must hold only ssot's changes).
 */
import type { Config } from '../config/compile.js';
import { UserError } from '../model/errors.js';
import { plural } from '../text/plural.js';
import { requireGitWorkTree, trackedChanges } from '../workspace/git.js';
import { checkGates } from './gates.js';
import { requireNoJournal } from './journal.js';

/** The checks above, for the step recorded under `phaseId` and run as `command`; returns HEAD. */
export async function prepareStepPhase(root: string, config: Config, phaseId: string, command: string): Promise<string> {
  if (config.phases.some((p) => p.id === phaseId)) {
    throw new UserError(`a configured phase is called "${phaseId}": ssot records the ${phaseId} step under that id`, { hint: 'rename that phase' });
  }
  requireNoJournal(root);
  const head = await requireGitWorkTree(root, command);
  checkGates(root, config.gates);
  const dirty = await trackedChanges(root);
  if (dirty.length) {
    throw new UserError(`the work tree has uncommitted changes to ${plural(dirty.length, 'tracked file')}: ${dirty.slice(0, 3).join(', ')}${dirty.length > 3 ? ', …' : ''}`, {
      hint: `commit or stash them so the ${phaseId} commit holds only ssot's changes`,
    });
  }
  return head;
}
