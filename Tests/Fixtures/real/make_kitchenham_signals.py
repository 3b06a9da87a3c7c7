#!/usr/bin/env python3
"""Turns the Kitchenham projects dataset into a Vitals signals directory, and
computes reference figures from the raw CSV for the reader tests.

Source: kitchenham-projects.csv, 145 software projects of one services company
(Kitchenham et al., PROMISE repository, via zainmustafam977/Software-Effort-Estimation
`datasets/kitchenham.csv`), copied from the team's shared datasets folder.

Mapping (one row per project; `?` is a missing value):
  accounts.csv     one account per Client.code; contract_start = its earliest project start
  projects.csv     project_id = P<id>, type = Project.type (empty when `?`), start_date =
                   Actual.start.date, planned_end_date = Estimated.completion.date,
                   budget_hours = First.estimate, actual_end_date = start + Actual.duration days,
                   status = completed. Projects without an estimated completion date are left
                   out, because planned_end_date is required.
  timesheets.csv   one row per project: Actual.effort hours on the actual end date.

Run from this folder: python3 make_kitchenham_signals.py  (writes kitchenham-signals/ and
kitchenham-expected.json). Uses only the standard library.
"""
import csv
import datetime as dt
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "kitchenham-signals")

rows = list(csv.DictReader(open(os.path.join(HERE, "kitchenham-projects.csv"), newline="")))
projects, dropped = [], []
for r in rows:
    if r["Estimated.completion.date"] == "?":
        dropped.append(r["id"])
        continue
    start = dt.date.fromisoformat(r["Actual.start.date"])
    projects.append({
        "project_id": "P%03d" % int(r["id"]),
        "account_id": "C%s" % r["Client.code"],
        "type": "" if r["Project.type"] == "?" else r["Project.type"],
        "start_date": start,
        "planned_end_date": dt.date.fromisoformat(r["Estimated.completion.date"]),
        "budget_hours": float(r["First.estimate"]),
        "actual_end_date": start + dt.timedelta(days=int(r["Actual.duration"])),
        "hours": float(r["Actual.effort"]),
    })

accounts = {}
for p in projects:
    a = p["account_id"]
    accounts[a] = min(accounts.get(a, p["start_date"]), p["start_date"])

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "accounts.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["account_id", "contract_start"])
    for a in sorted(accounts):
        w.writerow([a, accounts[a].isoformat()])
with open(os.path.join(OUT, "projects.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["project_id", "account_id", "type", "start_date", "planned_end_date", "budget_hours",
                "actual_end_date", "status"])
    for p in projects:
        w.writerow([p["project_id"], p["account_id"], p["type"], p["start_date"].isoformat(),
                    p["planned_end_date"].isoformat(), "%g" % p["budget_hours"],
                    p["actual_end_date"].isoformat(), "completed"])
with open(os.path.join(OUT, "timesheets.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["project_id", "date", "hours"])
    for p in projects:
        w.writerow([p["project_id"], p["actual_end_date"].isoformat(), "%g" % p["hours"]])

# Reference figures, computed here from the raw CSV, independently of the Swift reader.
# Overrun per the signals contract: hours > budget x 1.10, or ending more than 14 days late.
late = [p for p in projects if (p["actual_end_date"] - p["planned_end_date"]).days > 14]
over_hours = [p for p in projects if p["hours"] > p["budget_hours"] * 1.10]
overrun = [p for p in projects if p in late or p in over_hours]
expected = {
    "accounts": len(accounts),
    "projects": len(projects),
    "dropped_without_planned_end": dropped,
    "untyped_projects": sum(1 for p in projects if not p["type"]),
    "total_budget_hours": sum(p["budget_hours"] for p in projects),
    "total_logged_hours": sum(p["hours"] for p in projects),
    "late_more_than_14_days": len(late),
    "hours_over_110_percent": len(over_hours),
    "overrun": len(overrun),
    "first_date": min(p["start_date"] for p in projects).isoformat(),
    "last_date": max(p["actual_end_date"] for p in projects).isoformat(),
}
with open(os.path.join(HERE, "kitchenham-expected.json"), "w") as f:
    json.dump(expected, f, indent=2)
    f.write("\n")
print(json.dumps(expected, indent=2))
