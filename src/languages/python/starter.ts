/** The commented starter ssot.config.yaml `ssot init` writes for a Python repository. */
export const PYTHON_STARTER_CONFIG = `# ssot.config.yaml — what is deprecated, what replaces it, and in which phases.
# Editor completion: point your YAML extension at schema/ssot.config.schema.json of the ssot package.
version: 1
language: python

# Folders holding top-level packages: module names and relative imports resolve from here.
sourceRoots: ["."]

# Files to scan (default for python: **/*.py, **/*.pyi). .gitignore is honoured.
# include: ["**/*.py"]
exclude: []

# Service name -> glob or list of globs. A finding belongs to the first service that matches.
services:
  app: "app/**"
  # tests: ["tests/**", "**/test_*.py"]

# The single sources of truth: id -> \`from module import name\`.
canonical:
  redis_manager: "from app.redis_manager import redis_manager"

rules:
  - id: redis-ssot
    # \`from M import N\` bans symbol M.N; \`import M\` bans module M and everything under it.
    deprecated:
      - "from app.db.redis_manager import RedisManager"
    replaceWith: redis_manager          # a key of canonical
    # types: "from app.redis_manager import RedisManager"   # class for annotations / isinstance / spec=
    allowIn: ["app/redis_manager.py"]    # globs where the deprecated import is legitimate
    message: "Use the shared redis_manager singleton."

# Phases run in order; explicit \`files\` beat \`include\` globs; the first match wins.
phases:
  - { id: "1", title: "Critical path", risk: critical, files: [] }
  - { id: "2", title: "Everything else", risk: low, include: ["**"] }

# Commands run before and after each phase (sh -c, from the repository root).
gates: []
  # - { name: tests, run: "python3 -m pytest -q", when: both, timeout: 600 }
`;
