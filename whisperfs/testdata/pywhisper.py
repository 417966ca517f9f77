"""Cross-check helper for whisperfs tests: builds whisper files with Python's
whisper library and answers fetches with whisper.fetch.

Reads one JSON document on stdin:
  {"files": [{"path", "archives": [[secondsPerPoint, points], ...], "xff",
              "aggregation", "writes": [{"now", "points": [[ts, value], ...]}]}],
   "queries": [{"path", "from", "until", "now"}]}
and prints a JSON list with one answer per query: null for None,
{"error": message} for an exception, or {"start", "end", "step", "values"}.
A value, in a point or an answer, is a number, null (None) or one of the
strings "nan", "inf" and "-inf", which JSON cannot hold as numbers.
"""
import json
import math
import sys

import whisper

doc = json.load(sys.stdin)
for f in doc["files"]:
    whisper.create(f["path"], [tuple(a) for a in f["archives"]],
                   xFilesFactor=f["xff"], aggregationMethod=f["aggregation"])
    for w in f["writes"]:
        whisper.update_many(f["path"], [(p[0], float(p[1])) for p in w["points"]], now=w["now"])

out = []
for q in doc["queries"]:
    try:
        r = whisper.fetch(q["path"], q["from"], q["until"], now=q["now"])
    except Exception as e:  # noqa: BLE001 -- the test compares error cases too
        out.append({"error": str(e)})
        continue
    if r is None:
        out.append(None)
        continue
    (start, end, step), values = r
    values = [v if v is None or math.isfinite(v) else repr(v) for v in values]
    out.append({"start": start, "end": end, "step": step, "values": values})
json.dump(out, sys.stdout)
