#!/usr/bin/env bash
# The live demo is the first command now: scripts/start.sh (kept for old links).
exec "$(dirname "${BASH_SOURCE[0]}")/start.sh" "$@"
