#!/usr/bin/env bash
# Installs what the real-browser tests (e2e/browser, run by
# e2e/browser_test.go) need: Debian's Chromium at /usr/bin/chromium, a font
# with Chinese glyphs for readable zh-CN screenshots, and playwright-core from
# e2e/browser/package-lock.json. Idempotent: it installs only what is missing
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

# npm ci records the lock file it installed from in node_modules/.package-lock.json;
# a copy of the lock file next to it tells whether node_modules is stale.
dir=e2e/browser
stamp="$dir/node_modules/.switchboard-lock"
if [ ! -f "$dir/node_modules/playwright-core/package.json" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
  echo "browser-setup: npm ci in $dir"
  (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$stamp"
fi

echo "browser-setup: $(/usr/bin/chromium --version 2>/dev/null | head -1); node $(node --version);" \
  "playwright-core $(node -p "require('./$dir/node_modules/playwright-core/package.json').version")"
