/** The one-time move of an older `.ssot/state.json` into git notes, announced on stderr by every command that reads the phase history. */
import { migrateLegacyState } from '../phases/state.js';

export async function migrateHistory(root: string): Promise<void> {
  const moved = await migrateLegacyState(root);
  if (!moved) return;
  const dropped = moved.dropped ? ` (${moved.dropped} left out: their commits no longer exist)` : '';
  process.stderr.write(
    `ssot: moved ${moved.events} records from ${moved.file} into git notes (refs/notes/ssot)${dropped}; the old file is kept as ${moved.keptAs}\n` +
      'ssot: share them with `git push origin refs/notes/ssot` (see README, "History in git")\n',
  );
}
