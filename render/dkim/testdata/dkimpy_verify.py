#!/usr/bin/env python3
"""Verify every DKIM-Signature of the message in FILE with dkimpy.

Usage: dkimpy_verify.py PORT FILE

The public keys are looked up with dnspython from the DNS server on
127.0.0.1:PORT (the Go test serves them there). Prints one line per
signature, topmost first:

    dkimpy: signature 0 a=rsa-sha256 s=rsa d=acme.example: pass
"""
import sys

import dkim
import dkim.util
import dns.resolver


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = port

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode("ascii")
        answer = resolver.resolve(name, "TXT", lifetime=timeout)
        return b"".join(answer[0].strings)

    with open(path, "rb") as f:
        message = f.read()
    d = dkim.DKIM(message)
    sigs = [v for k, v in d.headers if k.lower() == b"dkim-signature"]
    if not sigs:
        print("dkimpy: no DKIM-Signature")
        return 1
    for i, value in enumerate(sigs):
        tags = dkim.util.parse_tag_value(value)
        what = "a=%s s=%s d=%s" % tuple(tags.get(t, b"?").decode() for t in (b"a", b"s", b"d"))
        try:
            ok = dkim.DKIM(message).verify(idx=i, dnsfunc=dnsfunc)
            result = "pass" if ok else "fail"
        except dkim.DKIMException as e:
            result = "fail (%s)" % e
        print("dkimpy: signature %d %s: %s" % (i, what, result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
