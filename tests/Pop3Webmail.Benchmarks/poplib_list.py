#!/usr/bin/env python3
"""Python's poplib as a benchmark peer: one round trip per message (poplib has no pipelining).

Signs in, reads LIST and UIDL, then TOP n 0 for every message, and turns each header block into the same small
summary the inbox shows (From, To, Subject, Date, Message-ID, attachment hint, importance). It times itself from
connect to QUIT, so interpreter start-up is not counted, and prints one JSON object on stdout.

usage: poplib_list.py HOST PORT plain|tls CAFILE USER PASSWORD   (the password is read from stdin if PASSWORD is -)
"""
import email.header
import email.parser
import email.policy
import email.utils
import json
import poplib
import ssl
import sys
import time


def decode(value):
    if value is None:
        return ""
    try:
        return str(email.header.make_header(email.header.decode_header(value))).strip()
    except (ValueError, LookupError, UnicodeError):
        return str(value).strip()


def summarise(number, size, uid, lines):
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(b"\r\n".join(lines))
    senders = email.utils.getaddresses([decode(headers.get("From"))])
    recipients = email.utils.getaddresses([decode(headers.get("To"))])
    try:
        date = email.utils.parsedate_to_datetime(headers.get("Date")) if headers.get("Date") else None
    except (TypeError, ValueError):
        date = None
    content_type = headers.get_content_type()
    return {
        "number": number,
        "size": size,
        "uid": uid,
        "from": ", ".join(name or address for name, address in senders),
        "from_address": senders[0][1] if senders else "",
        "to": ", ".join(name or address for name, address in recipients),
        "subject": decode(headers.get("Subject")),
        "date": date,
        "message_id": (headers.get("Message-ID") or "").strip().strip("<>") or None,
        "attachments": content_type == "multipart/mixed" or content_type.split("/")[0] not in ("text", "multipart"),
        "importance": (headers.get("Importance") or headers.get("X-Priority") or "normal").strip().lower(),
    }


def main():
    host, port, mode, cafile, user, password = sys.argv[1:7]
    if password == "-":
        password = sys.stdin.readline().rstrip("\n")
    started = time.perf_counter()
    if mode == "tls":
        context = ssl.create_default_context(cafile=cafile)
        client = poplib.POP3_SSL(host, int(port), context=context)
    else:
        client = poplib.POP3(host, int(port))
    client.user(user)
    client.pass_(password)
    sizes = {}
    for entry in client.list()[1]:
        number, size = entry.split()[:2]
        sizes[int(number)] = int(size)
    uids = {}
    for entry in client.uidl()[1]:
        number, uid = entry.split()[:2]
        uids[int(number)] = uid.decode("latin-1")
    summaries = [summarise(n, sizes[n], uids.get(n), client.top(n, 0)[1]) for n in sorted(sizes)]
    client.quit()
    elapsed = time.perf_counter() - started
    print(json.dumps({"elapsed_s": elapsed, "count": len(summaries)}))


if __name__ == "__main__":
    main()
