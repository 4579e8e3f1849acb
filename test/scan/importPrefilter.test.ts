/**
 * The cheap second stage must never skip a file the full analysis reports
 * on (soundness), and should skip the files that only mention a banned name
 * in docstrings, comments and unrelated strings (its reason to exist). Each
 * case is checked against the real analysis, not against a hand-written
 * expectation of it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Ban } from '../../src/model/finding.js';
import { pythonAdapter } from '../../src/languages/python/adapter.js';
import { processFile } from '../../src/engine/file.js';

const bans: Ban[] = [
  { ruleId: 'r', kind: 'symbol', path: 'pkg.legacy.redis_manager.RedisManager', source: 'from pkg.legacy.redis_manager import RedisManager' },
  { ruleId: 'm', kind: 'module', path: 'oldlib', source: 'import oldlib' },
];
const sourceRoots = [''];

interface Case {
  readonly name: string;
  readonly code: string;
  /** Where the file lives (relative imports resolve from it). */
  readonly rel?: string;
  /** Expected answer of the second stage; omitted when only soundness is asserted. */
  readonly skip?: boolean;
}

const cases: Case[] = [
  { name: 'plain from-import', code: 'from pkg.legacy.redis_manager import RedisManager\n' },
  { name: 'aliased', code: 'from pkg.legacy.redis_manager import RedisManager as R\nR()\n' },
  { name: 'several names', code: 'from pkg.legacy.redis_manager import get, RedisManager\n' },
  { name: 'parenthesised with comments', code: 'from pkg.legacy.redis_manager import (\n    get,  # a comment\n    RedisManager,\n)\n' },
  { name: 'backslash continuation', code: 'from pkg.legacy.redis_manager \\\n    import RedisManager\n' },
  { name: 'spaces around dots', code: 'from pkg . legacy . redis_manager import RedisManager\n' },
  { name: 'relative one level', rel: 'pkg/legacy/user.py', code: 'from .redis_manager import RedisManager\n' },
  { name: 'relative two levels', rel: 'pkg/other/user.py', code: 'from ..legacy.redis_manager import RedisManager\n' },
  { name: 'relative package import', rel: 'pkg/legacy/user.py', code: 'from . import redis_manager\nredis_manager.RedisManager()\n' },
  { name: 'nested in a function', code: 'def f():\n    from pkg.legacy.redis_manager import RedisManager\n    return RedisManager()\n' },
  { name: 'after a semicolon', code: 'x = 1; from pkg.legacy.redis_manager import RedisManager\n' },
  { name: 'in try/except', code: 'try:\n    from pkg.legacy.redis_manager import RedisManager\nexcept ImportError:\n    RedisManager = None\n' },
  { name: 'import module then attribute', code: 'import pkg.legacy.redis_manager\npkg.legacy.redis_manager.RedisManager()\n' },
  { name: 'import package then attribute', code: 'import pkg\npkg.legacy.redis_manager.RedisManager()\n' },
  { name: 'module from package then attribute', code: 'from pkg.legacy import redis_manager as rm\nrm.RedisManager()\n' },
  { name: 'attribute chain inside an f-string', code: 'import pkg\nx = f"{pkg.legacy.redis_manager.RedisManager}"\n' },
  { name: 'usage before the import', code: 'def f():\n    return rm.RedisManager()\nfrom pkg.legacy import redis_manager as rm\n' },
  { name: 'star import of the module', code: 'from pkg.legacy.redis_manager import *\n' },
  { name: 'string reference', code: 'patch("pkg.legacy.redis_manager.RedisManager")\n' },
  { name: 'raw string reference', code: "patch(r'pkg.legacy.redis_manager.RedisManager.get')\n" },
  { name: 'module ban', code: 'import oldlib.sub as s\n' },
  { name: 'module ban from-import', code: 'from oldlib import thing\n' },
  { name: 'unterminated string before an import', code: 'x = "abc\nfrom pkg.legacy.redis_manager import RedisManager\n' },
  { name: 'PEP 701 nested quotes', code: 'x = f"{d["k"]}"\nfrom pkg.legacy.redis_manager import RedisManager\n' },
  { name: 'CR line endings', code: 'x = 1\rfrom pkg.legacy.redis_manager import RedisManager\r' },
  { name: 'CRLF line endings', code: '"""doc"""\r\nfrom pkg.legacy.redis_manager import RedisManager\r\n' },
  { name: 'escaped quote before an import', code: 'x = "a\\"b"\nfrom pkg.legacy.redis_manager import RedisManager\n' },
  { name: 'triple quotes closed after an escaped quote', code: 'x = """a\\""""\nfrom pkg.legacy.redis_manager import RedisManager\n' },
  { name: 'import inside a TYPE_CHECKING block', code: 'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.legacy.redis_manager import RedisManager\n' },
  { name: 'string annotation through an import', code: 'import pkg\ndef f(x: "pkg.legacy.redis_manager.RedisManager[int]") -> None:\n    pass\n' },
  { name: 'string annotation through a module import', code: 'from pkg.legacy import redis_manager as rm\nx: "Optional[rm.RedisManager]" = None\n' },
  { name: 'implicit concatenation reference', code: 'patch("pkg.legacy." "redis_manager.RedisManager")\n' },
  { name: 'implicit concatenation across lines', code: 'patch(\n    "pkg.legacy."  # the module\n    "redis_manager.RedisManager",\n)\n' },
  { name: 'two-part reference: patch.object(module, "NAME")', skip: false, code: 'from unittest.mock import patch\nfrom pkg.legacy import redis_manager\nwith patch.object(redis_manager, "RedisManager"):\n    pass\n' },
  { name: 'two-part reference: getattr on an aliased module', skip: false, code: 'import pkg.legacy.redis_manager as rm\nk = getattr(rm, "RedisManager")\n' },
  { name: 'a module imported, the name in a string that is not a reference (kept: the stage does not read calls)', code: 'from pkg.legacy import redis_manager\nprint("RedisManager"[0])\nredis_manager.other()\n' },
  { name: 'syntax error around the import', code: 'def f(:\n    from pkg.legacy.redis_manager import RedisManager\n' },

  // what the stage exists to skip
  { name: 'docstring that shows the deprecated import', skip: true, code: '"""Use instead of\n\n    from pkg.legacy.redis_manager import RedisManager\n"""\nx = 1\n' },
  { name: 'comment that shows the deprecated import', skip: true, code: '# from pkg.legacy.redis_manager import RedisManager\nx = 1\n' },
  { name: 'canonical import from the same module', skip: true, code: 'from pkg.legacy.redis_manager import redis_manager\nredis_manager.get("k")\n' },
  { name: 'module name in a log string', skip: true, code: 'import logging\nlogging.info("redis_manager not ready: %s", "pkg.legacy.redis_manager")\n' },
  { name: 'yield from and raise from', skip: true, code: 'def g():\n    yield from redis_manager()\n    raise E from redis_manager\n' },
  { name: 'f-string mentioning the name as text', skip: true, code: 'x = f"redis_manager {y} RedisManager"\n' },
  { name: 'a prefix module imported but the name never used', skip: true, code: 'import pkg\npkg.other.thing()  # RedisManager\n' },
  { name: 'a prefix module imported, the name in a docstring', skip: true, code: 'import pkg\n"""RedisManager was the old way."""\npkg.other()\n' },
  { name: 'a prefix module imported, the chain in a string (could be an annotation)', skip: false, code: 'import pkg\nprint("pkg.legacy.redis_manager.RedisManager[int]")\n' },
  { name: 'a prefix module imported, the last name used on something else', skip: true, code: 'import pkg\nx = sep.RedisManager\n", ".RedisManager()\n' },
  { name: 'chain with blanks and a line break inside brackets', code: 'import pkg\nx = (pkg.legacy\n     .redis_manager.RedisManager)\n' },
  { name: 'chain continued past the ban', code: 'import pkg\nx = pkg.legacy.redis_manager.RedisManager.get\n' },
  { name: 'aliased prefix import', code: 'import pkg.legacy as L\nL.redis_manager.RedisManager()\n' },
  { name: 'unrelated package with the same last segment', skip: true, code: 'from other.redis_manager import RedisManager\nRedisManager()\n' },
  { name: 'string that only starts like the path', skip: true, code: 'x = "pkg.legacy.redis_manager.RedisManagerX"\n' },
];

for (const c of cases) {
  test(`second stage: ${c.name}`, async () => {
    const rel = c.rel ?? 'app/mod.py';
    const bytes = Buffer.from(c.code, 'utf8');
    const mayHave = pythonAdapter.mayHaveFindings!({ rel, bytes, bans, sourceRoots });
    const outcome = await processFile({ rel, bytes, bans, needles: [] }, { adapter: pythonAdapter, sourceRoots, mode: 'inventory' }, { prefilter: false });
    const hasFindings = outcome.status === 'findings' && outcome.findings.length > 0;
    if (hasFindings) assert.equal(mayHave, true, `skipped a file with ${outcome.status === 'findings' ? outcome.findings.length : 0} finding(s)`);
    if (c.skip !== undefined) assert.equal(!mayHave, c.skip, c.skip ? 'should have been skipped' : 'should have been kept');
  });
}

test('needles: a needle containing another is dropped', () => {
  const needles = pythonAdapter.needles([
    { ruleId: 'a', kind: 'symbol', path: 'a.redis_manager.X', source: '' },
    { ruleId: 'b', kind: 'symbol', path: 'b.test_redis_manager.Y', source: '' },
    { ruleId: 'c', kind: 'module', path: 'c.redis', source: '' },
  ]);
  assert.deepEqual(needles.sort(), ['redis']);
});
