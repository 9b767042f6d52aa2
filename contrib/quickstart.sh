#!/bin/sh
# Installs what is needed, builds, and starts helplined on its built-in
# defaults (SQLite under ~/.local/state/helplined, the shipped menu, HTTP on
# 127.0.0.1:8088) with a console conversation on this terminal.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/contrib/deps.sh"
"$top/contrib/build.sh" "$top/build"
echo "helplined: also answering JSON on http://127.0.0.1:8088/v1/message" \
	"(unless --port says otherwise)"
exec "$top/build/helplined" --console "$@"
