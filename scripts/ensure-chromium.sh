#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (playwright-core never downloads a browser here).
# Installs it when missing and when this user can; otherwise says what to do. Never fails the run itself:
# the browser test then fails with the same instruction.
set -u
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (once)…"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 && exit 0
fi
echo "Chromium is not installed: the browser tests need it (sudo apt-get install chromium)." >&2
exit 0
