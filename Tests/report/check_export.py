#!/usr/bin/env python3
"""Reads `tunelua export` output back as a user's tools do and compares it with the database.

    check_export.py PROJECT_DB EXPORT.csv EXPORT.json

CSV through Python's csv module (RFC 4180, CRLF rows), JSON through json.loads with NaN and the
infinities refused; every value must equal the database's exactly (floats bit for bit). Prints
`ok N trials, M columns` or the first difference (exit 1). Used by Tests/CLITests/ReportTests.swift.
"""
import csv, datetime, json, math, sqlite3, sys


def fail(message):
    print("export differs: " + message)
    sys.exit(1)


def no_constant(name):
    raise ValueError("not strict JSON: " + name)


def iso(t):
    whole = math.floor(t)
    ms = min(999, max(0, math.floor((t - whole) * 1000)))
    return datetime.datetime.fromtimestamp(whole, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % ms


db_path, csv_path, json_path = sys.argv[1:4]
db = sqlite3.connect("file:" + db_path + "?mode=ro", uri=True)
trials = db.execute("SELECT trial_id, status, score, best_step, started, ended, worker, hyperparameters FROM trials ORDER BY idx").fetchall()
# A metric's best value: per step the mean of its values, then the best step by its direction.
steps = {}
for trial_id, name, step, value, direction in db.execute("SELECT trial_id, name, step, value, direction FROM metrics ORDER BY id"):
    steps.setdefault((trial_id, name), (direction, {}))[1].setdefault(step, []).append(value)
best = {}
for key, (direction, by_step) in steps.items():
    means = [sum(v) / len(v) for v in by_step.values() if None not in v]
    best[key] = (max if direction == "max" else min)(means) if means else None
metric_names = sorted({name for _, name in steps}, key=lambda n: n)
params = []
for row in trials:
    for name in json.loads(row[7]):
        if name not in params:
            params.append(name)

expected = []
for trial_id, status, score, best_step, started, ended, worker, hps in trials:
    values = json.loads(hps)
    row = {"trial_id": trial_id, "status": status, "score": score, "best_step": best_step,
           "started": iso(started) if started is not None else None, "ended": iso(ended) if ended is not None else None,
           "duration_s": ended - started if started is not None and ended is not None else None, "worker": worker}
    for p in params:
        row["params_" + p] = values.get(p)
    for m in metric_names:
        row["metrics_" + m] = best.get((trial_id, m))
    expected.append(row)

with open(json_path, encoding="utf-8") as f:
    objects = json.loads(f.read(), parse_constant=no_constant)
if not isinstance(objects, list) or len(objects) != len(expected):
    fail("JSON is not an array of %d objects" % len(expected))
keys = list(objects[0].keys()) if objects else []
for o in objects:
    if list(o.keys()) != keys:
        fail("JSON objects carry different keys: %s vs %s" % (list(o.keys()), keys))
if set(keys) != set(expected[0].keys() if expected else []):
    fail("JSON keys %s, expected %s" % (sorted(keys), sorted(expected[0].keys())))
for o, e in zip(objects, expected):
    for k, v in e.items():
        got = o[k]
        if type(v) is float and type(got) in (int, float):
            got = float(got)
        if got != v or type(got) is not type(v):
            fail("JSON trial %s %s = %r (%s), database %r (%s)" % (e["trial_id"], k, got, type(got).__name__, v, type(v).__name__))

with open(csv_path, "rb") as f:
    raw = f.read()
if raw.count(b"\r\n") != len(expected) + 1 + raw.count(b"\r\n", raw.find(b'"')) * 0 and b"\n" in raw.replace(b"\r\n", b""):
    fail("CSV rows must end with CRLF")
with open(csv_path, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
if len(rows) != len(expected):
    fail("CSV has %d rows, expected %d" % (len(rows), len(expected)))
if list(rows[0].keys()) != keys:
    fail("CSV columns %s differ from JSON keys %s" % (list(rows[0].keys()), keys))
for r, e in zip(rows, expected):
    for k, v in e.items():
        cell = r[k]
        if v is None:
            ok = cell == ""
        elif isinstance(v, bool):
            ok = cell == ("true" if v else "false")
        elif isinstance(v, int):
            ok = cell == str(v)
        elif isinstance(v, float):
            ok = float(cell) == v
        else:
            ok = cell == v
        if not ok:
            fail("CSV trial %s %s = %r, database %r" % (e["trial_id"], k, cell, v))
print("ok %d trials, %d columns" % (len(expected), len(keys)))
