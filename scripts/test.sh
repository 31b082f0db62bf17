#!/usr/bin/env bash
# The one command that runs every test of tidings on a fresh machine:
# installs what the tests need when it is missing (mailpit, Chromium), checks
# formatting and vet, then runs the whole suite. The tests start the servers
# they use themselves (in-process SMTP on 127.0.0.1:0, a mailpit process).
set -euo pipefail
cd "$(dirname "$0")/.."

MAILPIT_VERSION=v1.33.1
gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$PATH"

if ! command -v mailpit >/dev/null 2>&1; then
  echo "== installing mailpit $MAILPIT_VERSION (go install)"
  go install "github.com/axllent/mailpit@$MAILPIT_VERSION"
fi

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
   && ! command -v google-chrome >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing chromium (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "== WARNING: no Chromium found and cannot apt-get install it; browser tests will skip (fail under CI=true)"
  fi
fi

# render's reader test reads messages back with Python's email package.
if ! command -v python3 >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing python3 (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
  else
    echo "== WARNING: no python3 found and cannot apt-get install it; the Python email check will skip (fail under CI=true)"
  fi
fi

# render/dkim checks its signatures with independent verifiers: dkimpy and
# Mail::DKIM (SpamAssassin's), Debian's system packages.
if ! /usr/bin/python3 -c 'import dkim, dns.resolver' >/dev/null 2>&1 \
   || ! perl -MMail::DKIM::Verifier -MNet::DNS::Resolver -e 1 >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing libmail-dkim-perl python3-dkim (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmail-dkim-perl python3-dkim >/dev/null
  else
    echo "== WARNING: no dkimpy or Mail::DKIM and cannot apt-get install them; the DKIM verifier checks will skip (fail under CI=true)"
  fi
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== go test"
go test -race -count=1 -timeout 15m "$@" ./...
