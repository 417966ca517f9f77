#!/usr/bin/env python3
"""Writes listsort-cpython.txt: for keys made by keys() below (the Go test
makes the same ones), a hash of the order CPython's sorted() gives the
indices, ascending and with reverse=True. Run with CPython 3.11, the
Python of graphite-web 1.1.8 on Debian 12:

    python3 listsort-cpython.py > listsort-cpython.txt
"""
import hashlib
import sys

NAN = float("nan")


def keys(seed, n, nanpct, pattern):
    s = seed
    out = []
    for i in range(n):
        s = (s * 6364136223846793005 + 1442695040888963407) % 2**64
        r = s >> 33
        if (s >> 13) % 100 < nanpct:
            out.append(NAN)
            continue
        if pattern == "random":
            v = r % 1000
        elif pattern == "dups":
            v = r % 4
        elif pattern == "runs":
            v = (i // 37) * 10 + r % 25
        else:  # desc
            v = (n - i) * 3 + r % 7
        out.append(float(v))
    return out


def digest(perm):
    return hashlib.sha256(",".join(map(str, perm)).encode()).hexdigest()[:16]


print("# seed n nanpct pattern asc desc; made by listsort-cpython.py with Python %d.%d.%d" % sys.version_info[:3])
seed = 1
for n in (64, 65, 100, 128, 129, 255, 256, 300, 511, 1000, 1500, 3000):
    for nanpct in (0, 3, 20, 60):
        for pattern in ("random", "dups", "runs", "desc"):
            k = keys(seed, n, nanpct, pattern)
            asc = sorted(range(n), key=k.__getitem__)
            desc = sorted(range(n), key=k.__getitem__, reverse=True)
            print(seed, n, nanpct, pattern, digest(asc), digest(desc))
            seed += 1
