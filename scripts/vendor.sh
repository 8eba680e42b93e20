#!/usr/bin/env bash
# Re-create static/vendor/ from the npm registry.
#
# The vendored files are committed: the conference hall may have no internet,
# so pages must never load these libraries from a CDN. This script is only for
# a developer who wants to bump a version or check the committed files; CI does
# not run it. Needs node/npm (npm pack) and tar. Writes only under static/vendor/
# (README.md there is hand-written and is left alone).
#
#   bash scripts/vendor.sh          # re-vendor, then `git diff --stat static/vendor`
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor"

# Pinned versions. Keep in sync with static/vendor/README.md.
BOOTSTRAP=5.3.9
SOCKETIO=4.8.4
ZXING_WASM=3.1.4
JSQR=1.4.0
CHARTJS=4.6.1
# 4.0.379 is the last pdfjs-dist whose *legacy* build still supports
# Safari/iOS 15.4+; 4.1.x raised the minimum to Safari 16.4.
PDFJS=4.0.379
SORTABLE=1.15.7

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# fetch NAME VERSION -> unpacks the registry tarball into $TMP/NAME/package
fetch() {
  local name="$1" version="$2" dir="$TMP/$1" tgz
  mkdir -p "$dir"
  tgz="$(cd "$dir" && npm pack --silent "$name@$version" | tail -n 1)"
  tar -xzf "$dir/$tgz" -C "$dir"
  echo "fetched $name@$version" >&2
}

# put NAME SRC_REL_PATH [DEST_NAME] -> copies into static/vendor/<dir>/
put() {
  local pkg="$1" src="$2" out="$3"
  mkdir -p "$(dirname "$DEST/$out")"
  cp "$TMP/$pkg/package/$src" "$DEST/$out"
}

fetch bootstrap "$BOOTSTRAP"
fetch socket.io-client "$SOCKETIO"
fetch zxing-wasm "$ZXING_WASM"
fetch jsqr "$JSQR"
fetch chart.js "$CHARTJS"
fetch pdfjs-dist "$PDFJS"
fetch sortablejs "$SORTABLE"

# Start clean so files from an older version do not linger.
for d in bootstrap socket.io zxing-wasm jsqr chart.js pdfjs sortablejs; do
  rm -rf "${DEST:?}/$d"
done

put bootstrap dist/css/bootstrap.min.css          bootstrap/bootstrap.min.css
put bootstrap dist/js/bootstrap.bundle.min.js     bootstrap/bootstrap.bundle.min.js
put bootstrap LICENSE                             bootstrap/LICENSE

put socket.io-client dist/socket.io.min.js        socket.io/socket.io.min.js
put socket.io-client LICENSE                      socket.io/LICENSE

# Reader-only IIFE build (global `ZXingWASM`) and the wasm it loads. The file
# name zxing_reader.wasm must not change: the JS asks locateFile() for it.
put zxing-wasm dist/iife/reader/index.js          zxing-wasm/zxing-wasm-reader.iife.js
put zxing-wasm dist/reader/zxing_reader.wasm      zxing-wasm/zxing_reader.wasm
put zxing-wasm LICENSE                            zxing-wasm/LICENSE

put jsqr dist/jsQR.js                             jsqr/jsQR.js
put jsqr LICENSE                                  jsqr/LICENSE

put chart.js dist/chart.umd.min.js                chart.js/chart.umd.min.js
put chart.js LICENSE.md                           chart.js/LICENSE.md

# Legacy build (transpiled + polyfilled) for iOS Safari 15.4+.
put pdfjs-dist legacy/build/pdf.min.mjs           pdfjs/pdf.min.mjs
put pdfjs-dist legacy/build/pdf.worker.min.mjs    pdfjs/pdf.worker.min.mjs
put pdfjs-dist LICENSE                            pdfjs/LICENSE

put sortablejs Sortable.min.js                    sortablejs/Sortable.min.js
put sortablejs LICENSE                            sortablejs/LICENSE

echo >&2
(cd "$DEST" && find . -type f ! -name README.md | sort | xargs sha256sum) >&2
du -sh "$DEST" >&2
