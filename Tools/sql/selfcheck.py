#!/usr/bin/env python3
"""Self-check of sqlrun.py: do the three engines read a book the same way, and the right way?

    python selfcheck.py --book DIR --work DIR [--engines duckdb,postgres,spark]

Run by selfcheck.sh, which makes the venvs and the simulated book. Two books are checked:

1. The simulated book (DIR): one query counts the rows of every table, its distinct keys and the
   non-NULLs of a nullable column, and takes sums of an integer, a boolean and a double column and
   the min/max of a date and a text column. The figures are computed again here, independently,
   with Python's csv module, and every engine's result must match them; and the engines' result
   files must be identical, byte for byte.
2. A small hand-made book of edge cases (byte-order mark, CRLF, quoted commas, quotes and line
   breaks, "" fields, columns in another order, an unknown column, absent columns, absent files,
   a gzip file, non-ASCII text), with the expected result written out by hand below.

Exit status 0 when everything agrees, 1 otherwise.
"""

import argparse
import csv
import gzip
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "contract-schema.json")
VENVS = {"duckdb": ".venv", "postgres": ".venv", "spark": ".venv-spark"}

# Per table: the key (distinct count), a nullable column (non-NULL count), an integer, a boolean and
# a double column to sum, a date and a text column for min/max; None where the table has no such
# column (the query then selects NULL there).
STATS = [
    ("accounts", "account_id", "churn_date", "seats", None, "arr", "contract_start", "name"),
    ("usage", "account_id", "active_users", "sessions", None, None, "date", "account_id"),
    ("tickets", "ticket_id", "closed_at", "csat", "sla_breached", None, "opened_at", "priority"),
    ("nps", "account_id", "respondent", "score", None, None, "date", "respondent"),
    ("projects", "project_id", "actual_end_date", None, None, "budget_hours", "start_date", "status"),
    ("timesheets", "project_id", "role", None, None, "hours", "date", "role"),
    ("milestones", "project_id", "completed_date", None, None, None, "due_date", "milestone"),
    ("change_orders", "project_id", "reason", None, None, "hours_added", "date", "reason"),
]
COLUMNS = ["tbl", "n_rows", "n_keys", "n_nonnull", "int_sum", "n_true", "double_sum",
           "min_date", "max_date", "min_text", "max_text"]
DOUBLE_COLUMN = COLUMNS.index("double_sum")


def stats_query():
    """One SELECT, plain SQL that DuckDB, PostgreSQL and Spark all accept unchanged.

    PostgreSQL resolves a UNION's column types pair by pair from the left, and two untyped NULLs
    become text (then "UNION types text and bigint cannot be matched"). So a missing integer is
    CAST(NULL AS BIGINT), and the first branch (accounts) has a real double: a double NULL cannot be
    spelt the same way in all three (DOUBLE is not a PostgreSQL type, DOUBLE PRECISION not a Spark one).
    """
    assert STATS[0][5] is not None, "the first branch needs a double column (see above)"
    branches = []
    for tbl, key, nullable, integer, boolean, double, date, text in STATS:
        branches.append(
            f"SELECT '{tbl}' AS tbl, COUNT(*) AS n_rows, COUNT(DISTINCT {key}) AS n_keys, "
            f"COUNT({nullable}) AS n_nonnull, "
            f"{f'SUM({integer})' if integer else 'CAST(NULL AS BIGINT)'} AS int_sum, "
            f"{f'SUM(CASE WHEN {boolean} THEN 1 ELSE 0 END)' if boolean else 'CAST(NULL AS BIGINT)'} AS n_true, "
            f"{f'SUM({double})' if double else 'NULL'} AS double_sum, "
            f"MIN({date}) AS min_date, MAX({date}) AS max_date, MIN({text}) AS min_text, MAX({text}) AS max_text "
            f"FROM {tbl}")
    return "\nUNION ALL\n".join(branches) + ";\n"


def read_rows(book, table):
    """The file's records as dicts keyed by lower-case header name; None when the file is absent."""
    for name in (f"{table}.csv", f"{table}.csv.gz"):
        path = os.path.join(book, name)
        if os.path.isfile(path):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8-sig", newline="") as f:
                reader = csv.reader(f)
                header = [h.strip().lower() for h in next(reader)]
                return [dict(zip(header, rec)) for rec in reader if rec]
    return None


def expected_stats(book):
    """The stats query's answer, computed from the CSV text alone (no SQL engine involved)."""
    out = []
    for tbl, key, nullable, integer, boolean, double, date, text in STATS:
        rows = read_rows(book, tbl) or []

        def values(col):
            return [r.get(col, "") for r in rows if col and r.get(col, "") != ""]

        ints = [int(v) for v in values(integer)] if integer else []
        doubles = [float(v) for v in values(double)] if double else []
        dates, texts = values(date), values(text)
        out.append([
            tbl, str(len(rows)), str(len(set(values(key)))), str(len(values(nullable))),
            str(sum(ints)) if ints else "",
            (str(sum(1 for r in rows if r.get(boolean, "").lower() == "true")) if rows else "") if boolean else "",
            repr(math.fsum(doubles)) if doubles else "",
            min(dates) if dates else "", max(dates) if dates else "",
            min(texts) if texts else "", max(texts) if texts else "",  # code-point order
        ])
    return sorted(out)


# The edge-case book and its answer. Every value below was worked out by hand from the files.
# NULL and '' both print as an empty field, so the query also tests for NULL explicitly.
EDGE_FILES = {
    # BOM, CRLF, columns in another order, header names in other case and with a space, an unknown
    # column (region), csm and renewal_date absent, quoted comma/quotes/line break, "" fields.
    "accounts.csv": (
        "\ufeffcontract_start,Account_ID ,region,name,arr,seats,SEGMENT,churn_date\r\n"
        "2024-01-01,A1,EU,\"Acme, Inc.\",1200.5,10,SMB,\r\n"
        "2023-05-06,A2,US,\"Say \"\"hi\"\"\",,3,,2025-02-01\r\n"
        "2022-02-02,A3,,\"Zürich AG\nline two\",0.1,,Enterprise,\r\n"
        "2022-02-02,A4,\"\",\"\",3e3,0,\"\",\r\n"),
    # Booleans with an empty one; open tickets; columns shuffled.
    "tickets.csv": (
        "account_id,ticket_id,opened_at,sla_breached,escalated,csat,priority,closed_at\n"
        "A1,T1,2024-02-01,true,false,5,high,2024-02-03\n"
        "A1,T2,2024-03-01,false,,,,\n"
        "A2,T3,2024-04-01,,true,1,urgent,\n"),
    # Gzip; an unknown column; four metric columns absent; a quoted number; an empty count.
    "usage.csv.gz": (
        "account_id,date,sessions,extra\n"
        "A1,2024-01-01,5,x\n"
        "A1,2024-01-02,\"7\",y\n"
        "A3,2024-01-02,,z\n"),
    # nps, projects, timesheets, milestones and change_orders are absent: empty tables.
}
EDGE_QUERY = """\
-- every column type, NULLs from absent columns and empty fields, joins, scalar subqueries
WITH t AS (
  SELECT account_id, COUNT(*) AS n_tickets, SUM(CASE WHEN sla_breached THEN 1 ELSE 0 END) AS n_sla,
         COUNT(sla_breached) AS n_sla_known, MAX(closed_at) AS last_closed
  FROM tickets GROUP BY account_id),
u AS (
  SELECT account_id, SUM(sessions) AS sessions, COUNT(active_users) AS n_active_known, MAX(date) AS last_day
  FROM usage GROUP BY account_id)
SELECT a.account_id, a.name, a.segment, a.csm, a.arr, a.seats, a.contract_start, a.renewal_date, a.churn_date,
       t.n_tickets, t.n_sla, t.n_sla_known, t.last_closed, u.sessions, u.n_active_known, u.last_day,
       a.arr * 2 AS arr2, a.seats > 1 AS many_seats,
       (SELECT COUNT(*) FROM nps) AS nps_rows, (SELECT COUNT(*) FROM change_orders) AS change_order_rows,
       a.name IS NULL AS name_null, (SELECT COUNT(segment) FROM accounts) AS segments_known
FROM accounts a
LEFT JOIN t ON t.account_id = a.account_id
LEFT JOIN u ON u.account_id = a.account_id;
"""
EDGE_EXPECTED = (
    "account_id,name,segment,csm,arr,seats,contract_start,renewal_date,churn_date,n_tickets,n_sla,n_sla_known,"
    "last_closed,sessions,n_active_known,last_day,arr2,many_seats,nps_rows,change_order_rows,name_null,segments_known\n"
    "A1,\"Acme, Inc.\",SMB,,1200.5,10,2024-01-01,,,2,1,2,2024-02-03,12,0,2024-01-02,2401.0,true,0,0,false,2\n"
    "A2,\"Say \"\"hi\"\"\",,,,3,2023-05-06,,2025-02-01,1,0,0,,,,,,true,0,0,false,2\n"
    "A3,\"Zürich AG\nline two\",Enterprise,,0.1,,2022-02-02,,,,,,,,0,2024-01-02,0.2,,0,0,false,2\n"
    "A4,,,,3000.0,0,2022-02-02,,,,,,,,,,6000.0,false,0,0,true,2\n"
)


def write_edge_book(directory):
    os.makedirs(directory, exist_ok=True)
    for name, text in EDGE_FILES.items():
        path = os.path.join(directory, name)
        if name.endswith(".gz"):
            with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
                f.write(text)
        else:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)


def run_engine(engine, book, query, out):
    python = os.path.join(HERE, VENVS[engine], "bin", "python")
    proc = subprocess.run(
        [python, os.path.join(HERE, "sqlrun.py"), "--engine", engine, "--signals", book, "--schema", SCHEMA,
         "--query", query, "--out", out, "--timings"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        return None, proc.stderr.strip()
    # The timings are the last line of stderr; anything before it is noise worth seeing.
    lines = proc.stderr.strip().splitlines()
    return json.loads(lines[-1]), "\n".join(lines[:-1])


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def close(a, b):
    """Doubles summed in another order may differ in the last bits; all else must be exact."""
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= 1e-9 * max(1.0, abs(y))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", required=True, help="the simulated signals directory")
    parser.add_argument("--work", required=True, help="a scratch directory for queries and results")
    parser.add_argument("--engines", default="duckdb,postgres,spark")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    ok = True
    timings = {}

    # 1. The simulated book against counts made without SQL.
    query = os.path.join(args.work, "stats.sql")
    with open(query, "w") as f:
        f.write(stats_query())
    expected = [COLUMNS] + expected_stats(args.book)
    print(f"== simulated book {args.book}")
    print("expected (Python csv module):")
    for row in expected:
        print("  " + ",".join(row))
    results = {}
    for engine in engines:
        out = os.path.join(args.work, f"stats-{engine}.csv")
        t, noise = run_engine(engine, args.book, query, out)
        if t is None:
            print(f"FAIL {engine}: sqlrun failed:\n{noise}")
            ok = False
            continue
        if noise:
            print(f"note {engine}: stderr also held:\n{noise}")
        timings[("simulated", engine)] = t
        got = read_csv(out)
        results[engine] = open(out, "rb").read()
        bad = [(r, c) for r in range(max(len(got), len(expected))) for c in range(len(COLUMNS))
               if r >= len(got) or r >= len(expected) or c >= len(got[r])
               or not (close(got[r][c], expected[r][c]) if c == DOUBLE_COLUMN else got[r][c] == expected[r][c])]
        if bad:
            ok = False
            print(f"FAIL {engine}: differs from the independent counts at (row, column) {bad[:10]}:")
            print(open(out, encoding="utf-8").read())
        else:
            exact = got == expected
            print(f"ok   {engine}: matches the independent counts"
                  + ("" if exact else " (doubles within 1e-9 relative, not bit for bit)"))
    if len(results) > 1:
        first = engines[0]
        for engine, data in results.items():
            if data != results[first]:
                ok = False
                print(f"FAIL {engine}'s result file differs from {first}'s:")
                print(data.decode())
        if all(d == results[first] for d in results.values()):
            print(f"ok   the result files of {', '.join(results)} are identical, byte for byte")
    if results:
        print(f"result ({next(iter(results))}):")
        for line in next(iter(results.values())).decode().splitlines():
            print("  " + line)

    # 2. The edge-case book against the hand-written answer.
    edge = os.path.join(args.work, "edge-book")
    write_edge_book(edge)
    edge_query = os.path.join(args.work, "edge.sql")
    with open(edge_query, "w") as f:
        f.write(EDGE_QUERY)
    print(f"\n== edge-case book {edge}")
    for engine in engines:
        out = os.path.join(args.work, f"edge-{engine}.csv")
        t, noise = run_engine(engine, edge, edge_query, out)
        if t is None:
            print(f"FAIL {engine}: sqlrun failed:\n{noise}")
            ok = False
            continue
        timings[("edge", engine)] = t
        got = open(out, encoding="utf-8", newline="").read()
        if got == EDGE_EXPECTED:
            print(f"ok   {engine}: the expected result, byte for byte")
        else:
            ok = False
            print(f"FAIL {engine}: expected\n{EDGE_EXPECTED}got\n{got}")

    print("\n== timings (s) and peak RSS (MiB)")
    for (book, engine), t in timings.items():
        rss = ", ".join(f"{k[:-len('_peak_rss_mb')]} {v:.0f}" for k, v in t.items() if k.endswith("_peak_rss_mb"))
        print(f"  {book:9} {engine:8} start {t['start_s']:6.2f}  load {t['load_s']:6.2f}  query {t['query_s']:6.2f}"
              f"  total {t['total_s']:6.2f}   peak RSS: {rss}")
    print("\nselfcheck: " + ("all engines agree" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
