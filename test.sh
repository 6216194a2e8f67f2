#!/usr/bin/env bash
# Runs every test suite on a fresh Debian/Ubuntu machine: installs the real servers the tests need
# (Dovecot POP3, Chromium, nginx, PostgreSQL), then runs all test projects with real servers required (no silent skips).
# TRX results land in artifacts/test-results (read by .ci/run for its summary line).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v dovecot >/dev/null 2>&1 || missing+=(dovecot-core dovecot-pop3d)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
# Debian keeps initdb/pg_ctl in /usr/lib/postgresql/<major>/bin, off PATH; the test fixture finds the newest itself.
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || command -v pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

export POP3WEBMAIL_REQUIRE_SERVERS=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rm -rf artifacts/test-results
dotnet build Pop3Webmail.sln -c Release

# One run per test project so each writes its own TRX file (the trx logger has no per-assembly file names).
status=0
for project in tests/*.Tests/*.Tests.csproj; do
  name="$(basename "$project" .csproj)"
  dotnet test "$project" -c Release --no-build \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory artifacts/test-results \
    --blame-hang-timeout 10m "$@" || status=$?
done
exit "$status"
