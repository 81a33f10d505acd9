#!/usr/bin/env bash
# Installs the toolchain and dependencies, then starts the Meridian portal with its
# embedded defaults (in-memory SQLite, the example regions): http://localhost:3000
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/bootstrap.sh"
source "$ROOT/scripts/lib/services.sh"
# TechDocs builds the runbooks with the local mkdocs
ensure_mkdocs
cd "$ROOT"
exec yarn start "$@"
