#!/usr/bin/env bash
# Run `ansible-test sanity` on a copy of the collection laid out where ansible-test wants it
# (.../ansible_collections/onlyoffice/docspace). Only files git tracks or would track are
# copied, so virtual environments and caches are never linted.
#
#   tools/sanity.sh [ansible-test sanity options]
#
# SANITY_VENV  the virtual environment whose ansible-test runs (default: .venv)
# SANITY_NAME  the folder under .build for the copy (default: sanity), one per ansible-core
#              version so that runs of different versions never share a tree
#
# The multi-version tests (compile, import) run on every Python that ansible-core supports
# and that this machine has: on PATH as pythonX.Y, or installed by pyenv.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="${SANITY_VENV:-$root/.venv}"
name="${SANITY_NAME:-sanity}"
dest="$root/.build/$name/ansible_collections/onlyoffice/docspace"
pythons="$root/.build/$name-pythons"

# ansible-test bootstraps pip in each of its virtual environments with a cached get-pip
# script that it would download from outside the package registries; an offline stand-in
# goes in its place for every pip version this ansible-test may ask for.
pip_versions=$("$venv/bin/python" - <<'PY'
import re
from ansible_test._internal import python_requirements as pr
print(" ".join(sorted(set(re.findall(r"pip='([0-9.]+)'", open(pr.__file__).read())))))
PY
)
for pip_version in $pip_versions; do
  cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
  if [ ! -f "$cache" ]; then
    mkdir -p "$(dirname "$cache")"
    cp "$root/tools/get_pip_standin.py" "$cache"
    echo "sanity: placed an offline pip bootstrap stand-in at $cache"
  fi
done

# pyenv's shims answer `pythonX.Y` only for the selected version, so link the real
# interpreters into a folder of their own that goes first on PATH.
rm -rf "$pythons"
mkdir -p "$pythons"
supported=$("$venv/bin/python" -c '
from ansible_test._util.target.common import constants as c
print(" ".join(c.REMOTE_ONLY_PYTHON_VERSIONS + c.CONTROLLER_PYTHON_VERSIONS))')
pyenv_root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
found=()
for version in $supported; do
  # tests/config.yml: module code supports Python 3.6 and later.
  [ "${version%%.*}" -ge 3 ] || continue
  for candidate in "$pyenv_root"/versions/"$version".*/bin/"python$version" \
    "$(command -v "python$version" || true)"; do
    if [ -x "$candidate" ] && "$candidate" -c '' >/dev/null 2>&1; then
      ln -s "$candidate" "$pythons/python$version"
      found+=("$version")
      break
    fi
  done
done
core=$("$venv/bin/python" -c 'import ansible; print(ansible.__version__)')
echo "sanity: ansible-core $core; Pythons found: ${found[*]:-none}"

rm -rf "$dest"
mkdir -p "$dest"
cd "$root"
git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
  [ -e "$f" ] || continue
  mkdir -p "$dest/$(dirname "$f")"
  cp -p "$f" "$dest/$f"
done
cd "$dest"
git init -q . && git add -A >/dev/null
export PATH="$pythons:$venv/bin:$PATH"
exec ansible-test sanity --venv --color no "$@"
