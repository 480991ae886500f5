#!/usr/bin/env bash
# What the test suite needs from the system, beyond what `npm ci` installs. Run by `npm test` (its `pretest`
# step), so that the README's `npm ci && npm test` works on a fresh Debian machine.
#
# Each requirement below is a check and the Debian package that satisfies it. For every failed check:
#   - as root, the package is installed with apt-get (after one `apt-get update`);
#   - otherwise the script names the packages to install and exits 1.
#
#   scripts/test-setup.sh           check, and install what is missing when root
#   scripts/test-setup.sh --check   check only: name what is missing, exit 1 if anything is
#   scripts/test-setup.sh --plan    print the Debian packages an install would add, one a line; always exit 0
#
# To add a requirement: write a `has_…` function that succeeds when it is present and add a
# `require` line at the end. Set OPENFORECAST_SKIP_TEST_SETUP=1 to skip all of this (a machine set up otherwise).
set -uo pipefail

mode="install"
case "${1:-}" in
  "") ;;
  --check) mode="check" ;;
  --plan) mode="plan" ;;
  *) echo "usage: $0 [--check|--plan]" >&2; exit 2 ;;
esac

if [ "${OPENFORECAST_SKIP_TEST_SETUP:-}" = "1" ] && [ "$mode" = "install" ]; then exit 0; fi

# ---- the checks: each succeeds when the requirement is met -------------------------------------------------

# The console is tested in headless Chromium, driven by playwright-core at this path (it cannot download one).
has_chromium() { [ -x /usr/bin/chromium ]; }

# The compatibility tests run boto3 under the first of these Pythons that has it (see test/compat/python.ts).
# Debian's python3-boto3 serves /usr/bin/python3; PyPI is not assumed reachable.
has_boto3() {
  local python
  for python in "${OPENFORECAST_PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$python" ] || continue
    "$python" -c 'import boto3' >/dev/null 2>&1 && return 0
  done
  return 1
}

# The AWS CLI compatibility test runs `aws` from the PATH. Running it (not `command -v`, which also names a file
# that is not executable) shows that it works.
has_aws_cli() { aws --version >/dev/null 2>&1; }

# The state store is tested on a real PostgreSQL too: test/setup/postgres.ts starts a throwaway cluster with the
# server binaries of Debian's postgresql package (initdb and pg_ctl under /usr/lib/postgresql/<version>/bin).
has_postgres() {
  local f
  for f in /usr/lib/postgresql/*/bin/initdb; do
    [ -x "$f" ] && [ -x "$(dirname "$f")/pg_ctl" ] && return 0
  done
  return 1
}

# ---- the mechanism -----------------------------------------------------------------------------------------

missing_packages=()
missing_labels=()

# require <label> <check function> <Debian package>
require() {
  local label="$1" check="$2" package="$3"
  if ! "$check"; then
    missing_labels+=("$label")
    missing_packages+=("$package")
  fi
}

report_missing() {
  local i
  for i in "${!missing_labels[@]}"; do
    echo "test-setup: missing ${missing_labels[$i]} (Debian package ${missing_packages[$i]})" >&2
  done
}

finish() {
  if [ "${#missing_packages[@]}" -eq 0 ]; then exit 0; fi
  case "$mode" in
    plan)
      printf '%s\n' "${missing_packages[@]}"
      exit 0
      ;;
    check)
      report_missing
      exit 1
      ;;
  esac
  report_missing
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "test-setup: the tests need these; install them and run the tests again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing_packages[*]}" >&2
    exit 1
  fi
  echo "test-setup: installing ${missing_packages[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || exit 1
  apt-get install -y -qq "${missing_packages[@]}" >/dev/null || exit 1
  # Installed is not enough: each check must now pass.
  missing_packages=()
  missing_labels=()
  check_all
  if [ "${#missing_packages[@]}" -ne 0 ]; then
    echo "test-setup: still missing after apt-get install:" >&2
    report_missing
    exit 1
  fi
  exit 0
}

# ---- the requirements --------------------------------------------------------------------------------------

check_all() {
  require "Chromium at /usr/bin/chromium (console tests)" has_chromium chromium
  require "a Python with boto3 (compatibility tests)" has_boto3 python3-boto3
  require "the AWS CLI (compatibility tests)" has_aws_cli awscli
  require "PostgreSQL server binaries (state store tests)" has_postgres postgresql
}

check_all
finish
