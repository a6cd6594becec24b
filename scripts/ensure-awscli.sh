#!/usr/bin/env bash
# test/e2e/aws-cli.test.ts drives the local endpoints with the AWS CLI, a client nobody here wrote: Debian's awscli.
# Installs it when missing and when this user can; otherwise says what to do. Never fails the run itself:
# the test then fails with the same instruction.
set -u
[ -x /usr/bin/aws ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's awscli for the AWS CLI test (once)…"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null 2>&1 && exit 0
fi
command -v aws >/dev/null 2>&1 && exit 0
echo "The AWS CLI is not installed: the AWS CLI test needs it (sudo apt-get install awscli)." >&2
exit 0
