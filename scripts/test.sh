#!/usr/bin/env bash
# The one command that runs every test of tidings on a fresh machine:
# installs what the tests need when it is missing (mailpit, Chromium, Postfix,
# Dovecot, DKIM verifiers), checks formatting and vet, then runs the whole
# suite. The tests start the servers they use themselves (in-process SMTP on
# 127.0.0.1:0, a mailpit process, private Postfix and Dovecot instances).
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

# Python (render reads messages back with its email package), Postfix and
# Dovecot for the real-MTA tests (sendpool/smtptest starts private
# instances of them itself), and the DKIM verifiers. Installed without starting
# their system services (a policy-rc.d that says no) and without a system mail
# configuration (postfix preseeded to "No configuration").
mta_debs="python3 postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd libmail-dkim-perl python3-dkim"
missing_debs=""
for deb in $mta_debs; do
  if ! dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q 'install ok installed'; then
    missing_debs="$missing_debs $deb"
  fi
done
if [ -n "$missing_debs" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing$missing_debs (apt-get; system services stay stopped)"
    if command -v debconf-set-selections >/dev/null 2>&1; then
      echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    fi
    policy=/usr/sbin/policy-rc.d
    made_policy=
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\n# written by tidings scripts/test.sh while it installs packages\nexit 101\n' >"$policy"
      chmod 755 "$policy"
      made_policy=1
      trap 'rm -f "$policy"' EXIT
    fi
    apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing_debs >/dev/null
    if [ -n "$made_policy" ]; then
      rm -f "$policy"
      trap - EXIT
    fi
  else
    echo "== WARNING: missing$missing_debs and cannot apt-get install them; the real-MTA tests will skip (fail under CI=true)"
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

# cmd/tidings scores the shipped newsletter example with SpamAssassin.
if ! command -v spamassassin >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing spamassassin (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends spamassassin >/dev/null
  else
    echo "== WARNING: no spamassassin and cannot apt-get install it; the example's spam score check will skip (fail under CI=true)"
  fi
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...
for goos in windows darwin; do
  echo "== GOOS=$goos go vet"
  GOOS=$goos go vet ./...
done

echo "== go test"
go test -race -count=1 -timeout 15m "$@" ./...
