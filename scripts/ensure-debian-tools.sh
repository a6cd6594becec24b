#!/usr/bin/env bash
# The tools some tests drive, from Debian: Chromium for the browser tests (playwright-core never downloads a browser
# here) and the AWS CLI for test/e2e/aws-cli.test.ts (a client nobody here wrote). Installs what is missing when this
# user can (one apt-get update for both); otherwise says what to do. Never fails the run itself: each test that needs a
# missing tool fails with the same instruction.
set -u
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/aws ] || missing+=(awscli)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} for the tests (once)…"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 && exit 0
fi
[ -x /usr/bin/chromium ] || echo "Chromium is not installed: the browser tests need it (sudo apt-get install chromium)." >&2
[ -x /usr/bin/aws ] || command -v aws >/dev/null 2>&1 ||
  echo "The AWS CLI is not installed: the AWS CLI test needs it (sudo apt-get install awscli)." >&2
exit 0
