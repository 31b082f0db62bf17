"""Read .eml files with Python's email package and report what it decodes.

Run by render's TestReadersDecodeAlike (readers_test.go): python3
pyemail_check.py FILE.eml ... prints one JSON object mapping each file to
its results under two policies, "default" (email.policy.default) and
"strict" (the same with raise_on_defect=True). For each policy:

  error      the exception the parser raised, or null
  defects    every defect found: the message's and each part's (walk) and
             those of each header of each part, as "where: Class: text"
  subject    the decoded Subject, or null
  addresses  {header: [[display_name, addr_spec], ...]} for the address
             headers present
  parts      for each leaf part: get_filename(), Content-Disposition's
             filename and Content-Type's name as the header registry
             decodes them (null when absent), the content type, the
             Content-Transfer-Encoding and the decoded payload
             (get_payload(decode=True)), in base64

The Go test compares these values with what the sheet held.
"""

import base64
import email.policy
import json
import sys
from email.parser import BytesParser

POLICIES = {
    "default": email.policy.default,
    "strict": email.policy.default.clone(raise_on_defect=True),
}

ADDRESS_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc")


def defect_text(where, defect):
    return "%s: %s: %s" % (where, type(defect).__name__, defect)


def header_defects(part, where):
    out = []
    for name in part.keys():
        header = part[name]
        # Parameter headers decode RFC 2231 values when .params is read;
        # read it so that its defects (UndecodableBytesDefect) are there.
        getattr(header, "params", None)
        for d in getattr(header, "defects", ()):
            out.append(defect_text("%s %s" % (where, name), d))
    return out


def param(part, header, key):
    h = part[header]
    if h is None:
        return None
    return h.params.get(key)


def read(raw, policy):
    res = {"error": None, "defects": [], "subject": None, "addresses": {}, "parts": []}
    try:
        msg = BytesParser(policy=policy).parsebytes(raw)
    except Exception as e:  # strict policy raises on the first defect
        res["error"] = "%s: %s" % (type(e).__name__, e)
        return res
    if msg["Subject"] is not None:
        res["subject"] = str(msg["Subject"])
    for name in ADDRESS_HEADERS:
        h = msg[name]
        if h is not None:
            res["addresses"][name] = [[a.display_name, a.addr_spec] for a in h.addresses]
    for i, part in enumerate(msg.walk()):
        where = "part %d (%s)" % (i, part.get_content_type())
        res["defects"] += [defect_text(where, d) for d in part.defects]
        res["defects"] += header_defects(part, where)
        if part.is_multipart():
            continue
        res["parts"].append({
            "filename": part.get_filename(),
            "disposition_filename": param(part, "Content-Disposition", "filename"),
            "type_name": param(part, "Content-Type", "name"),
            "content_type": part.get_content_type(),
            "cte": part.get("Content-Transfer-Encoding"),
            "payload": base64.b64encode(part.get_payload(decode=True)).decode("ascii"),
        })
    return res


def main(paths):
    out = {}
    for path in paths:
        with open(path, "rb") as f:
            raw = f.read()
        out[path] = {name: read(raw, pol) for name, pol in POLICIES.items()}
    # ASCII output: a lone surrogate (undecodable byte) cannot break it.
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
