/**
 * Recovery from a journal with real git, for the windows a kill can hit that
 * the CLI tests cannot aim at: after ssot's own commit, after someone else's
 * commit, and over an edit made after the interruption.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { UserError } from '../../src/model/errors.js';
import { JOURNAL_TRAILER, readJournal, writeJournal } from '../../src/phases/journal.js';
import { recoverInterrupted } from '../../src/phases/recover.js';
import { git, gitStatus, hashTree, head, makeRepo, removeRepo, stateOf, treeDiff } from './helpers.js';

const repos: string[] = [];
after(() => repos.forEach(removeRepo));

const FIXED = 'from app.redis import redis_manager\n\nmanager = redis_manager\n\n\ndef ping():\n    return manager.ping()\n';

/** A repo in the state a kill leaves: journal written, core/a.py changed. */
function interrupted(): { dir: string; start: string; tree: Map<string, string>; id: string } {
  const dir = makeRepo();
  repos.push(dir);
  const start = head(dir);
  const tree = hashTree(dir);
  const file = path.join(dir, 'core/a.py');
  const journal = writeJournal(dir, {
    op: 'fix-phase',
    command: 'ssot fix --phase 1a',
    phase: '1a',
    head: start,
    files: [{ file: 'core/a.py', original: readFileSync(file), planned: Buffer.from(FIXED), mode: 0o644 }],
  });
  writeFileSync(file, FIXED);
  return { dir, start, tree, id: journal.id };
}

describe('recoverInterrupted', () => {
  it('moves HEAD back over the commit the interrupted run made, and restores the files', async () => {
    const { dir, start, tree, id } = interrupted();
    git(dir, 'commit', '-q', '-am', `ssot(1a): 2 fixes in 1 file [redis]\n\n${JOURNAL_TRAILER}: ${id}`);
    const ours = head(dir);
    const result = await recoverInterrupted(dir);
    assert.equal(result?.headReset, ours);
    assert.deepEqual(result?.restored, ['core/a.py']);
    assert.equal(head(dir), start);
    assert.deepEqual(treeDiff(tree, hashTree(dir)), []);
    assert.equal(gitStatus(dir), '');
    assert.equal(readJournal(dir), null);
    assert.equal(stateOf(dir).events.at(-1)!.type, 'recovered');
  });

  it('refuses to move HEAD over a commit someone else made, and changes nothing', async () => {
    const { dir, id } = interrupted();
    git(dir, 'commit', '-q', '-am', 'my own commit');
    const theirs = head(dir);
    await assert.rejects(recoverInterrupted(dir), (e: unknown) => e instanceof UserError && /was made after `ssot fix --phase 1a` was interrupted; not moving HEAD over it/.test(e.message));
    assert.equal(head(dir), theirs);
    assert.equal(readFileSync(path.join(dir, 'core/a.py'), 'utf8'), FIXED);
    assert.equal(readJournal(dir)?.id, id, 'the journal stays for another try');
  });

  it('never overwrites an edit made after ssot wrote a file: it stays, and ssot\'s version is handed back beside it', async () => {
    const { dir, tree, id } = interrupted();
    const edited = FIXED + '# edited after the crash\n';
    writeFileSync(path.join(dir, 'core/a.py'), edited);
    const result = await recoverInterrupted(dir);
    assert.deepEqual(result?.kept, [{ file: 'core/a.py', ssotVersion: `.ssot/recovered/${id}/core/a.py` }]);
    assert.deepEqual(result?.restored, []);
    assert.equal(readFileSync(path.join(dir, 'core/a.py'), 'utf8'), edited, 'the person\'s bytes stay');
    assert.equal(readFileSync(path.join(dir, `.ssot/recovered/${id}/core/a.py`), 'utf8'), FIXED, 'ssot\'s version beside it');
    assert.deepEqual(treeDiff(tree, hashTree(dir)), ['core/a.py']);
    assert.ok(!existsSync(path.join(dir, '.ssot/journal.json')));
  });

  it('says there is nothing to recover without a journal', async () => {
    const dir = makeRepo();
    repos.push(dir);
    assert.equal(await recoverInterrupted(dir), null);
  });
});
