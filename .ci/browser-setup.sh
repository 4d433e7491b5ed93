#!/usr/bin/env bash
# Installs what the real-browser tests (e2e/browser, run by
# e2e/browser_test.go) need: Debian's Chromium at /usr/bin/chromium, a font
# with Chinese glyphs for readable zh-CN screenshots, playwright-core from
# e2e/browser/package-lock.json and the web app's build tools from
# ui/package-lock.json. Idempotent: it installs only what is missing
# and reinstalls node_modules only when the lock file changed since the last
# `npm ci`. Playwright never downloads a browser of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [ -z "${apt_updated:-}" ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  echo "browser-setup: installing Debian chromium"
  apt_install chromium
fi
if ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null || true)" ]; then
  echo "browser-setup: installing a CJK font for zh-CN screenshots"
  apt_install fonts-wqy-microhei
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "browser-setup: node and npm are required (the machine's Node.js 20 or later)" >&2
  exit 1
fi

# A copy of the lock file installed from, kept in node_modules, tells whether
# node_modules is stale.
# e2e/browser holds playwright-core; ui/ the web app's build tools, which
# internal/web's TestBuildIsFresh runs to check the committed build.
for dir in e2e/browser ui; do
  stamp="$dir/node_modules/.switchboard-lock"
  if ! cmp -s "$dir/package-lock.json" "$stamp"; then
    echo "browser-setup: npm install in $dir"
    # npm install, not npm ci: the registry mirror here lacks some other
    # platforms' optional packages (rollup's), which keeps them out of the
    # lock file, and npm ci refuses such a lock. npm install installs the
    # locked versions and skips the absent optional ones.
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
done

echo "browser-setup: $(/usr/bin/chromium --version 2>/dev/null | head -1); node $(node --version);" \
  "playwright-core $(node -p "require('./e2e/browser/node_modules/playwright-core/package.json').version");" \
  "vite $(node -p "require('./ui/node_modules/vite/package.json').version")"
