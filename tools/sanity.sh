#!/usr/bin/env bash
# Run `ansible-test sanity` on a copy of the collection laid out where ansible-test wants it
# (.../ansible_collections/onlyoffice/docspace). Only files git tracks or would track are
# copied, so virtual environments and caches are never linted.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
dest="$root/.build/sanity/ansible_collections/onlyoffice/docspace"

pip_version=$("$venv/bin/python" - <<'PY'
import re
from ansible_test._internal import python_requirements as pr
print(re.search(r"pip='([0-9.]+)'", open(pr.__file__).read()).group(1))
PY
)
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -f "$cache" ]; then
  mkdir -p "$(dirname "$cache")"
  cp "$root/tools/get_pip_standin.py" "$cache"
  echo "sanity: placed an offline pip bootstrap stand-in at $cache"
fi

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
export PATH="$venv/bin:$PATH"
exec ansible-test sanity --venv --python 3.11 --color no "$@"
