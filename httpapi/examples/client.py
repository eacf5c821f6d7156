#!/usr/bin/env python3
"""A client of the osallisuus HTTP service in Python 3, standard library only.

    python3 client.py http://127.0.0.1:8080 [STAFF_TOKEN [RECEIPT]]

It reads the contract, sends anonymous feedback with a receipt, looks the
receipt up, and with a staff member's token (an OpenID Connect access
token) reads the loop's board and the first events of the live feed.
Every failure is an RFC 9457 problem carrying the library's code.

Anonymous feedback takes effect when its hour is over: the answer carries
the receipt code at once, and looking it up answers not_found until the
next full hour. Give a RECEIPT sent earlier to look it up again.
"""
import json
import sys
import urllib.error
import urllib.request


class Problem(Exception):
    """A failed call: the problem's code, status and detail."""

    def __init__(self, problem):
        super().__init__(f"{problem.get('code')} ({problem.get('status')}): {problem.get('detail')}")
        self.problem = problem


def call(base, method, arg=None, token=None):
    """Calls one method (POST /api/{method}) and returns its answer."""
    body = json.dumps(arg if arg is not None else {}).encode()
    req = urllib.request.Request(f"{base}/api/{method}", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.load(res)
    except urllib.error.HTTPError as e:
        raise Problem(json.load(e)) from None


def events(base, token, count, after=None):
    """Reads count events of the live feed (Server-Sent Events)."""
    req = urllib.request.Request(f"{base}/events", headers={"Authorization": f"Bearer {token}"})
    if after:
        req.add_header("Last-Event-ID", str(after))
    out, event = [], {}
    with urllib.request.urlopen(req, timeout=30) as res:
        for raw in res:
            line = raw.decode().rstrip("\n")
            if line.startswith(":"):
                continue
            if not line:
                if event:
                    out.append(event)
                    event = {}
                    if len(out) == count:
                        return out
                continue
            field, _, value = line.partition(": ")
            event[field] = value
    return out


def lookup(base, code):
    """Looks a receipt up; before the end of its hour it is not found yet."""
    try:
        found = call(base, "feedback.receipt", {"code": code})
    except Problem as p:
        if p.problem["code"] != "not_found":
            raise
        print("state not yet: look it up again after the full hour")
        return
    print("state", found["state"])


def main():
    base = sys.argv[1].rstrip("/")
    token = sys.argv[2] if len(sys.argv) > 2 else None
    with urllib.request.urlopen(f"{base}/openapi.json", timeout=30) as res:
        contract = json.load(res)
    print("contract", contract["openapi"], len(contract["paths"]), "paths")

    sent = call(base, "feedback.submit", {"service": "aikuissosiaalityo", "rating": 4,
                                          "text": "Sain ajan nopeasti.", "receipt": True})
    print("receipt", sent["receipt"])
    lookup(base, sent["receipt"])
    if len(sys.argv) > 3:
        lookup(base, sys.argv[3])

    try:
        call(base, "loop.board")
    except Problem as p:
        print("refused", p.problem["code"], p.problem["status"])

    if token:
        board = call(base, "loop.board", token=token)
        print("board", sum(col["count"] for col in board))
        for e in events(base, token, 2):
            print("event", e["id"], e["event"])


if __name__ == "__main__":
    try:
        main()
    except Problem as p:
        print("problem:", p, file=sys.stderr)
        sys.exit(1)
