# Project registry, sourced by setup.sh and run-tests.sh.
# Fields (|-separated):
#   name | version | wheel path | import name | needs `mock` backport (1/0) | extra test deps (space-sep) | test paths (relative to tree) | extra pytest args (shell-quoted, eval'd)
# tornado: timing-sensitive tests deselected (they fail when the 2-core machine is overloaded).
REALCODE_ROOT="${REALCODE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/bench/.corpora/realcode}"
REALCODE_LOCKS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/locks"
REALCODE_PROJECTS=(
"tornado|6.5.10|/opt/pypi/files/tornado-6.5.10-cp39-abi3-manylinux1_x86_64.manylinux_2_28_x86_64.manylinux_2_5_x86_64.whl|tornado|0||tornado/test|-k 'not linear_performance and not multi_performance and not test_request_timeout'"
"hyperlink|21.0.0|/opt/pypi/files/hyperlink-21.0.0-py2.py3-none-any.whl|hyperlink|0|hypothesis==6.168.3|hyperlink/test|--hypothesis-seed=0"
"spacy|3.8.16|/opt/pypi/files/spacy-3.8.16-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl|spacy|1|hypothesis==6.168.3|spacy/tests/matcher spacy/tests/doc spacy/tests/pipeline spacy/tests/training spacy/tests/vocab_vectors spacy/tests/test_language.py spacy/tests/test_misc.py|--hypothesis-seed=0"
"srsly|2.5.4|/opt/pypi/files/srsly-2.5.4-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl|srsly|1|numpy==2.4.6 psutil|srsly/tests|"
"humanfriendly|10.0|/opt/pypi/files/humanfriendly-10.0-py2.py3-none-any.whl|humanfriendly|1|docutils==0.23|humanfriendly/tests.py|"
"colorama|0.4.6|/opt/pypi/files/colorama-0.4.6-py2.py3-none-any.whl|colorama|0||colorama/tests|"
)
# Benchmark-only trees (category c): name | version | wheel path
REALCODE_BENCH=(
"sqlalchemy|2.0.54|/opt/pypi/files/sqlalchemy-2.0.54-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl"
"setuptools|80.9.0|/opt/pypi-more/files/setuptools-80.9.0-py3-none-any.whl"
"posthog|7.53.0|/opt/pypi/files/posthog-7.53.0-py3-none-any.whl"
"celery|5.6.3|/opt/pypi/files/celery-5.6.3-py3-none-any.whl"
)

# realcode_lookup NAME -> sets P_NAME P_VER P_WHEEL P_IMPORT P_MOCK P_DEPS P_TESTS P_ARGS; returns 1 if unknown
realcode_lookup() {
  local e
  for e in "${REALCODE_PROJECTS[@]}"; do
    IFS='|' read -r P_NAME P_VER P_WHEEL P_IMPORT P_MOCK P_DEPS P_TESTS P_ARGS <<<"$e"
    [[ "$P_NAME" == "$1" || "$P_NAME-$P_VER" == "$1" ]] && return 0
  done
  return 1
}
