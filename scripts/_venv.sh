# Shared by scripts/run and scripts/test: create .venv and install a requirements file when it changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
ensure_venv() {
  local req="$1"
  if [ ! -x .venv/bin/python ]; then
    echo "==> 创建虚拟环境 .venv"
    "$PYTHON" -m venv .venv
  fi
  local stamp=".venv/.installed-$(basename "$req")"
  local sum
  sum="$(cat requirements*.txt | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    echo "==> 安装依赖 ($req)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
    echo "$sum" > "$stamp"
  fi
}
