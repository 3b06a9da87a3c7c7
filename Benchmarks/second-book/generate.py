#!/usr/bin/env python3
"""A second, independent book of business for Vitals.

Written from the data contract alone (docs/SIGNALS.md and docs/FEATURES.md),
sharing no code or parameters with Vitals' own simulator. numpy and the standard
library only; the same arguments and seed give the same files, byte for byte.

    python3 generate.py --seed 7 --accounts 3000 --start 2024-01-01 --end 2025-12-31 --out DIR

What it models (see README.md beside this file for the long version):

* every account has a hidden product-fit factor that drives its usage depth,
  workflow success, NPS and, through its health, churn;
* contracts run for one, two or three years; churn is decided some weeks before a
  term ends and lands in the weeks around the renewal date (plus a little
  unannounced mid-term churn: acquisitions, insolvencies);
* random usage shocks: outages (sharp, short), reorganisations (recover or not,
  depending on fit) and the loss of a champion (a slow slide);
* support tickets and escalations follow shocks, troubled projects and low health;
* professional-services projects overrun (hours, milestone slips, change orders)
  according to a hidden project risk; an overrun drags the account's health while
  it is visible and leaves lasting damage when it ends, which raises churn risk;
* healthy accounts expand (seats and ARR) at renewal or mid-term.

The files are written the way real exports look: CRLF line ends, quoted fields
(all fields in some files, text fields or only where needed in others), text with
commas, quotes and the odd line break, a byte-order mark on the CRM export,
capitalised headers, ticket timestamps with time-zone offsets, duplicate usage rows
for one account and day (two product instances), days on which the telemetry
pipeline exported nothing, and one unknown column in two files (the reader warns
about it and ignores it).
"""

import argparse
import csv
import datetime as dt
import json
import math
import os
import sys
import time

import numpy as np

GENERATOR_VERSION = 1

SEGMENTS = ["SMB", "Mid-Market", "Enterprise"]
SEGMENT_P = [0.55, 0.30, 0.15]
# contract terms in years, per segment
TERM_YEARS = [1, 2, 3]
TERM_P = [[0.95, 0.05, 0.00], [0.80, 0.15, 0.05], [0.55, 0.25, 0.20]]

PROJECT_TYPES = ["implementation", "integration", "migration", "training", "optimisation"]
PROJECT_RISK_OFFSET = {"implementation": 0.2, "integration": 0.3, "migration": 0.5,
                       "training": -0.9, "optimisation": -0.3}
MILESTONES = {
    "implementation": ["Kickoff", "Design sign-off", "Configuration, phase 1",
                       "Data load, \"wave 1\"", "UAT", "Go-live"],
    "integration": ["Kickoff", "API spec, signed", "Build & test", "Cut-over"],
    "migration": ["Discovery", "Mapping, fields & rules", "Trial load",
                  "Final load", "Hypercare \"exit\""],
    "training": ["Curriculum", "Admin training, day 1", "End-user sessions"],
    "optimisation": ["Health check", "Recommendations, v1", "Rollout"],
}
ROLES = {
    "implementation": [("Project Manager", 0.15), ("Consultant", 0.55), ("Engineer, Integration", 0.30)],
    "integration": [("Project Manager", 0.10), ("Engineer, Integration", 0.70), ("Solution Architect", 0.20)],
    "migration": [("Project Manager", 0.12), ("Data Engineer", 0.63), ("Solution Architect", 0.25)],
    "training": [("Trainer", 0.85), ("Project Manager", 0.15)],
    "optimisation": [("Consultant", 0.70), ("Solution Architect", 0.30)],
}
CO_REASONS = [
    "Additional SSO provider (Okta, then Azure AD)",
    "Customer requested \"one more\" report pack",
    "Extra data source: legacy ERP, two instances",
    "Scope reduced: mobile rollout deferred",
    "New business unit added, 40 users",
    "Rework after design change\r\nagreed at steering committee",
    "Integration with \"FinanceHub\", per SOW amendment 2",
    "Data quality remediation, customer-side delays",
]
TICKET_SUBJECTS = [
    "Login fails with \"SSO error\"", "Export to CSV, wrong totals", "Dashboard slow, times out",
    "How do I add users?", "API rate limit, 429s", "Billing question, invoice #", "Workflow stuck in \"pending\"",
    "Data missing after import", "Feature request: dark mode", "Permissions, cannot edit",
]
FIRST = ["Anna", "Ben", "Chloé", "Dev", "Emeka", "Fatima", "George", "Hana", "Ivan", "Jo", "Kenji", "Lena",
         "Marco", "Nadia", "Oscar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Victor", "Wen", "Yusuf"]
LAST = ["O'Brien", "Smith", "García", "Nguyen", "Müller", "Okafor", "Rossi", "Kowalski", "Tanaka", "Johansson",
        "Patel", "Dubois", "Silva", "Cohen", "Haddad", "Kim", "Novak", "Walsh", "Sato", "Fischer"]
TITLES = ["VP, Operations", "CTO", "Head of CS", "Admin", "Analyst", "Director, IT", "Ops lead"]
NAME_A = ["Blue", "North", "Acme", "Pioneer", "Summit", "Harbor", "Granite", "Cedar", "Vector", "Orbit", "Lumen",
          "Atlas", "Beacon", "Crescent", "Delta", "Ember", "Falcon", "Juniper", "Keystone", "Meridian"]
NAME_B = ["Logistics", "Health", "Foods", "Labs", "Capital", "Systems", "Retail", "Energy", "Media", "Partners",
          "Analytics", "Works", "Motors", "Pharma", "Insurance", "Robotics"]
NAME_SUFFIX = ["Inc.", "LLC", "Ltd", "GmbH", "S.A.", "plc", "Co."]
INDUSTRIES = ["Software", "Retail, e-commerce", "Healthcare", "Manufacturing", "Financial services",
              "Logistics", "Public sector", "Media & \"creative\""]
TZ = [("Z", 0), ("+00:00", 0), ("-05:00", -300), ("-08:00", -480), ("+01:00", 60), ("+05:30", 330),
      ("+09:00", 540), ("-03:00", -180)]

INF = 10 ** 9


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def add_years(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


class Book:
    pass


def simulate(rng, n, start, end):
    T = (end - start).days + 1
    day = lambda t: start + dt.timedelta(days=int(t))
    b = Book()
    b.start, b.end, b.T, b.n = start, end, T, n

    # ---- accounts -------------------------------------------------------
    seg = rng.choice(3, n, p=SEGMENT_P)
    fit = rng.normal(0.0, 1.0, n)              # hidden product fit
    complexity = rng.normal(0.0, 1.0, n)       # hidden: how hard this customer is to deliver for
    pre = rng.random(n) < 0.72
    cs = np.where(pre, -rng.integers(1, 3 * 365, n), rng.integers(0, max(T - 45, 1), n))
    term = np.array([rng.choice(TERM_YEARS, p=TERM_P[s]) for s in seg])
    seats_mu = np.array([np.log(15), np.log(80), np.log(600)])[seg]
    seats_sd = np.array([0.6, 0.5, 0.7])[seg]
    seats0 = np.maximum(3, np.round(np.exp(rng.normal(seats_mu, seats_sd)))).astype(np.int64)
    price = np.array([600.0, 900.0, 1100.0])[seg] * np.exp(rng.normal(0, 0.25, n))
    cap = rng.uniform(0.55, 0.95, n)           # the share of seats that could ever be active
    has_telemetry = rng.random(n) > 0.015
    tz = rng.integers(0, len(TZ), n)

    cs_date = []
    for i in range(n):
        d0 = day(cs[i])
        if d0.month == 2 and d0.day == 29:
            d0 = d0 + dt.timedelta(days=1)
            cs[i] += 1
        cs_date.append(d0)

    # term ends (renewal dates) as day indexes, every term from the start
    term_ends = []
    for i in range(n):
        ends, k = [], 1
        while True:
            e = (add_years(cs_date[i], int(term[i]) * k) - start).days
            ends.append(e)
            if e > T + 400:
                break
            k += 1
        term_ends.append(ends)

    # a few accounts churned before the data begins (in the CRM export, never scored)
    hist = pre & (cs < -400) & (rng.random(n) < 0.07)
    churn_day = np.full(n, INF, dtype=np.int64)
    for i in np.nonzero(hist)[0]:
        past = [e for e in term_ends[i] if e < -20]
        if past:
            churn_day[i] = past[-1] + int(np.clip(round(rng.normal(-2, 7)), -20, 14))
            churn_day[i] = min(churn_day[i], -1)
        else:
            hist[i] = False

    # ---- projects (planned up front; the daily run applies their effect on health) ----
    P = {k: [] for k in ("acct", "type", "start", "budget", "planned_days", "actual_days", "hours_mult",
                         "slip", "disc", "co_n", "cancel_frac")}
    p_impl = np.array([0.45, 0.8, 0.95])
    extra_rate = np.array([0.10, 0.40, 0.80])
    budget_mu = {"implementation": [np.log(70), np.log(250), np.log(800)],
                 "integration": [np.log(80), np.log(150), np.log(260)],
                 "migration": [np.log(120), np.log(220), np.log(450)],
                 "training": [np.log(20), np.log(35), np.log(60)],
                 "optimisation": [np.log(30), np.log(50), np.log(90)]}
    for i in range(n):
        if hist[i]:
            continue
        starts = []
        if cs[i] >= 0 and rng.random() < p_impl[seg[i]]:
            starts.append(("implementation", cs[i] + int(rng.integers(0, 15))))
        first = max(cs[i], 0) + 30
        if first < T:
            years = (T - first) / 365.0
            for _ in range(rng.poisson(extra_rate[seg[i]] * years)):
                typ = PROJECT_TYPES[1 + int(rng.choice(4, p=[0.35, 0.25, 0.25, 0.15]))]
                starts.append((typ, int(rng.integers(first, T))))
        for typ, s in starts:
            if s >= T:
                continue
            budget = float(np.exp(rng.normal(budget_mu[typ][seg[i]], 0.35)))
            planned = int(np.clip(round((21 + 3.2 * budget ** 0.62) * rng.uniform(0.8, 1.25)), 14, 400))
            r = 0.5 * complexity[i] - 0.45 * fit[i] + rng.normal(0, 0.8) + PROJECT_RISK_OFFSET[typ]
            hours_mult = float(np.exp(-0.02 + 0.2 * r + rng.normal(0, 0.08)))
            slip = float(np.exp(0.17 * r + rng.normal(0, 0.1)))
            P["acct"].append(i)
            P["type"].append(typ)
            P["start"].append(s)
            P["budget"].append(round(budget, 1))
            P["planned_days"].append(planned)
            P["actual_days"].append(max(7, int(round(planned * slip))))
            P["hours_mult"].append(hours_mult)
            P["slip"].append(slip)
            P["disc"].append(rng.uniform(0.15, 0.6))
            P["co_n"].append(int(rng.poisson(0.25 + 0.45 * max(r, 0.0))))
            P["cancel_frac"].append(rng.uniform(0.2, 0.8) if rng.random() < 0.03 else -1.0)
    for k in P:
        P[k] = np.array(P[k])
    m = len(P["acct"])
    # change orders: hours relative to the budget, some descopes
    co = {"proj": [], "frac_t": [], "hours": []}
    for j in range(m):
        for _ in range(P["co_n"][j]):
            h = P["budget"][j] * rng.uniform(0.04, 0.2)
            if rng.random() < 0.1:
                h = -0.5 * h
            co["proj"].append(j)
            co["frac_t"].append(rng.uniform(0.15, 0.9))
            co["hours"].append(round(h, 1))
    for k in co:
        co[k] = np.array(co[k])
    co_sum = np.zeros(m)
    if len(co["proj"]):
        np.add.at(co_sum, co["proj"], co["hours"])
    P["hours_total"] = P["budget"] * P["hours_mult"] + co_sum
    planned_end = P["start"] + P["planned_days"]
    actual_end = P["start"] + P["actual_days"]
    P["troubled"] = (P["hours_total"] > 1.1 * P["budget"]) | (actual_end > planned_end + 14)
    sev = np.maximum.reduce([P["hours_total"] / P["budget"] - 1.0,
                             (P["actual_days"] - P["planned_days"]) / P["planned_days"],
                             np.zeros(m)])
    P["sev"] = np.minimum(sev, 1.5)
    # events that touch the account's health: (day, account, drag change, baseline change, damage, trouble)
    events = {}

    def ev(t, *payload):
        events.setdefault(int(t), []).append(payload)

    for j in range(m):
        i, s = P["acct"][j], P["start"][j]
        end_j = s + P["actual_days"][j]
        if P["cancel_frac"][j] > 0:
            continue
        if P["troubled"][j]:
            drag = 0.1 + 0.35 * P["sev"][j]
            ev(s + int(P["disc"][j] * P["actual_days"][j]), i, drag, 0.0, 0.0, 1)
            ev(end_j, i, -drag, -0.5 * P["sev"][j] * rng.uniform(0.5, 1.0), P["sev"][j], -1)
        elif P["type"][j] == "implementation":
            ev(end_j, i, 0.0, 0.1, 0.0, 0)
    impl_troubled = np.zeros(n, dtype=bool)
    for j in range(m):
        if P["type"][j] == "implementation" and P["troubled"][j]:
            impl_troubled[P["acct"][j]] = True

    # renewal decisions: some weeks before each term end that falls in the data
    decisions = {}
    for i in range(n):
        if hist[i]:
            continue
        for e in term_ends[i]:
            if e <= max(cs[i], 0) or e > T + 30:
                continue
            lead = int(rng.integers(30, 91))
            decisions.setdefault(max(e - lead, 0), []).append((i, e))

    # ---- the daily run ---------------------------------------------------
    base = 0.9 * fit + np.array([0.0, 0.05, 0.1])[seg]
    h = base + rng.normal(0, 0.35, n)
    seats = seats0.astype(np.float64)
    arr = seats * price
    d = np.zeros(n)
    d_rate = np.full(n, 0.1)
    tb = np.zeros(n)
    tb_rate = np.full(n, 0.1)
    drag = np.zeros(n)
    damage = np.zeros(n)
    trouble = np.zeros(n)
    leave_start = np.full(n, INF, dtype=np.int64)
    leave_floor = np.ones(n)
    tau = np.where(impl_troubled, 65.0, 25.0)
    seg_off = np.array([0.35, 0.0, -0.45])[seg]
    tick_base = np.array([0.010, 0.014, 0.020])[seg]
    act_prob_fit = sigmoid(fit)

    weekday = np.array([(start + dt.timedelta(days=t)).weekday() for t in range(T)])
    wk = np.where(weekday >= 5, 0.15, 1.0)
    wk_tickets = np.where(weekday >= 5, 0.3, 1.0)
    hol = np.ones(T)
    for t in range(T):
        dd = start + dt.timedelta(days=t)
        if (dd.month == 12 and dd.day >= 24) or (dd.month == 1 and dd.day == 1):
            hol[t] = 0.6
    gap_days = set(rng.choice(np.arange(30, max(T - 7, 31)), size=min(3, max(T - 37, 0)), replace=False).tolist())

    stats = {"shocks": {"outage": 0, "reorg_recovers": 0, "reorg_lasting": 0, "champion_leaves": 0},
             "renewals": {"churn": 0, "renew": 0, "renew_and_expand": 0}, "mid_term_churn": 0,
             "mid_term_expansion": 0, "troubled_projects_planned": int(P["troubled"].sum())}
    U = {k: np.zeros((T, n), dtype=np.int32) for k in ("au", "se", "ke", "ws", "wc")}
    H = np.zeros((T, n), dtype=np.float32)
    tickets = []
    for t in range(T):
        alive = (~hist) & (cs <= t) & (t < churn_day)
        # health: mean-reverting towards a slowly wandering baseline
        base += 0.008 * rng.standard_normal(n)
        h += (base - drag - h) / 45.0 + 0.05 * rng.standard_normal(n)
        d *= np.exp(-d_rate)
        tb *= np.exp(-tb_rate)
        damage *= 0.99744  # half-life of about 270 days
        for (i, dg, db, dm, tr) in events.get(t, ()):
            drag[i] += dg
            base[i] += db
            damage[i] += dm
            trouble[i] += tr
        # shocks
        new = alive & (rng.random(n) < 1 / 420)
        for i in np.nonzero(new)[0]:
            kind = rng.random()
            if kind < 0.45:    # outage: sharp, short, many urgent tickets
                stats["shocks"]["outage"] += 1
                d[i] = max(d[i], rng.uniform(0.5, 0.95))
                d_rate[i] = 0.35
                tb[i] += 3.0
                tb_rate[i] = 0.25
                h[i] -= 0.1 * (1.0 + (fit[i] < 0))
            elif kind < 0.8:   # reorganisation: recovers, or not
                d[i] = max(d[i], rng.uniform(0.3, 0.6))
                if rng.random() < sigmoid(0.3 + 1.2 * fit[i]):
                    stats["shocks"]["reorg_recovers"] += 1
                    d_rate[i] = math.log(2) / rng.uniform(20, 60)
                else:
                    stats["shocks"]["reorg_lasting"] += 1
                    d_rate[i] = math.log(2) / rng.uniform(120, 300)
                    base[i] -= rng.uniform(0.3, 0.8)
                tb[i] += 1.0
                tb_rate[i] = 0.05
            else:              # the champion leaves
                stats["shocks"]["champion_leaves"] += 1
                d[i] = max(d[i], rng.uniform(0.1, 0.3))
                d_rate[i] = math.log(2) / 60
                if rng.random() < 0.6:
                    base[i] -= rng.uniform(0.2, 0.7)
                tb[i] += 0.5
                tb_rate[i] = 0.05
        # renewal decisions
        for (i, e) in decisions.get(t, ()):
            if not alive[i] or leave_start[i] < INF:
                continue
            z = (-2.3 + seg_off[i] - 1.4 * h[i] - 0.4 * fit[i] + 0.7 * damage[i]
                 + 0.5 * (d[i] > 0.3) + rng.normal(0, 0.6))
            if rng.random() < sigmoid(z):
                c = e + int(np.clip(round(rng.normal(-2, 7)), -20, 14))
                c = max(c, t + 1)
                leave_start[i] = t
                churn_day[i] = min(churn_day[i], c)
                leave_floor[i] = rng.uniform(0.1, 0.6) if rng.random() < 0.65 else 1.0
                stats["renewals"]["churn"] += 1
            elif h[i] > 0.5 and rng.random() < 0.35:
                stats["renewals"]["renew_and_expand"] += 1
                g = rng.uniform(1.1, 1.6)
                seats[i] = round(seats[i] * g)
                arr[i] *= g * rng.uniform(0.95, 1.05)
                h[i] += 0.2
            else:
                stats["renewals"]["renew"] += 1
        # unannounced mid-term churn and mid-term expansion
        bg = alive & (leave_start == INF) & (rng.random(n) < 0.015 / 365)
        for i in np.nonzero(bg)[0]:
            stats["mid_term_churn"] += 1
            churn_day[i] = t + int(rng.integers(1, 30))
            leave_start[i] = t
            leave_floor[i] = 1.0
        ex = alive & (h > 0.8) & (rng.random(n) < 1 / 900)
        for i in np.nonzero(ex)[0]:
            stats["mid_term_expansion"] += 1
            g = rng.uniform(1.1, 1.4)
            seats[i] = round(seats[i] * g)
            arr[i] *= g
        alive = (~hist) & (cs <= t) & (t < churn_day)
        # usage
        ramp = np.where(cs >= 0, 1.0 - np.exp(-np.maximum(t - cs, 0) / tau), 1.0)
        span = np.maximum(churn_day - leave_start, 1)
        prog = np.clip((t - leave_start) / span, 0.0, 1.0)
        leave = np.where(leave_start < INF, 1.0 - (1.0 - leave_floor) * prog, 1.0)
        util = cap * sigmoid(1.3 * h + 0.4) * (1.0 - d) * wk[t] * hol[t] * ramp * leave
        util = np.clip(util, 0.0, 0.98)
        on = alive & has_telemetry
        au = np.where(on, rng.binomial(seats.astype(np.int64), util), 0)
        se = au + rng.poisson(au * (0.6 + 0.4 * act_prob_fit))
        ke = rng.poisson(au * np.exp(0.9 + 0.3 * fit + 0.15 * h))
        ws = rng.poisson(au * 0.35)
        wc = rng.binomial(ws, sigmoid(1.0 + 0.5 * fit + 0.4 * h - 2.5 * d))
        if t not in gap_days:
            U["au"][t], U["se"][t], U["ke"][t], U["ws"][t], U["wc"][t] = au, se, ke, ws, wc
        H[t] = h
        # tickets
        lam = (tick_base * (seats / 50.0) ** 0.45 * np.exp(-0.35 * h) * (1.0 + tb)
               * (1.0 + 0.8 * np.minimum(trouble, 2)) * wk_tickets[t])
        cnt = np.where(alive, rng.poisson(lam), 0)
        idx = np.repeat(np.arange(n), cnt)
        if len(idx):
            tickets.append((t, idx, h[idx].copy(), tb[idx].copy(), trouble[idx].copy()))

    b.seg, b.fit, b.cs, b.cs_date, b.term, b.term_ends = seg, fit, cs, cs_date, term, term_ends
    b.seats, b.arr, b.churn_day, b.hist, b.tz, b.leave_start = seats, arr, churn_day, hist, tz, leave_start
    b.U, b.H, b.P, b.co = U, H, P, co
    b.tickets = tickets
    b.has_telemetry = has_telemetry
    b.stats = stats
    return b


# ---------------------------------------------------------------------------
# rendering


def dstr(start, t):
    """Day indexes to YYYY-MM-DD strings (vectorised)."""
    return np.datetime_as_string(np.datetime64(start.isoformat(), "D") + np.asarray(t, dtype=np.int64), unit="D")


def writer(path, quoting, bom=False):
    f = open(path, "w", newline="", encoding="utf-8")
    if bom:
        f.write("\ufeff")
    return f, csv.writer(f, quoting=quoting, lineterminator="\r\n")


def person(rng, titled=False):
    first, last = FIRST[rng.integers(len(FIRST))], LAST[rng.integers(len(LAST))]
    if rng.random() < 0.08:
        first = f'{first} "{first[:2]}"'
    s = f"{last}, {first}"
    if titled and rng.random() < 0.5:
        s += f" ({TITLES[rng.integers(len(TITLES))]})"
    return s


def render(b, rng, out):
    os.makedirs(out, exist_ok=True)
    n, T, start = b.n, b.T, b.start
    S = lambda t: dstr(start, t)
    counts = {}

    # accounts.csv: CRM export, byte-order mark, every field quoted, capitalised headers, rows unordered
    ids = np.array([f"ACC-{i + 1:05d}" for i in range(n)])
    csms = [person(rng) for _ in range(24)]
    f, w = writer(os.path.join(out, "accounts.csv"), csv.QUOTE_ALL, bom=True)
    w.writerow(["Account_ID", "Name", "Segment", "Industry", "CSM", "ARR", "Seats",
                "Contract_Start", "Renewal_Date", "Churn_Date"])
    order = rng.permutation(n)
    cs_s = S(b.cs)
    for i in order:
        a, bb = NAME_A[rng.integers(len(NAME_A))], NAME_B[rng.integers(len(NAME_B))]
        r = rng.random()
        if r < 0.1:
            name = f"{a}, {bb} & Partners"
        elif r < 0.16:
            name = f'The "{a}" {bb} Group'
        else:
            name = f"{a} {bb} {NAME_SUFFIX[rng.integers(len(NAME_SUFFIX))]}"
        churned = b.churn_day[i] <= T - 1
        ren = ""
        if not churned:
            nxt = [e for e in b.term_ends[i] if e > T - 1][0]
            ren = str(S(nxt))
        seats = "" if rng.random() < 0.01 else str(int(b.seats[i]))
        arr = "" if rng.random() < 0.005 else f"{b.arr[i]:.2f}"
        w.writerow([ids[i], name, SEGMENTS[b.seg[i]], INDUSTRIES[rng.integers(len(INDUSTRIES))],
                    csms[rng.integers(len(csms))], arr, seats, cs_s[i], ren,
                    str(S(b.churn_day[i])) if churned else ""])
    f.close()
    counts["accounts"] = n

    # usage.csv: the telemetry export, date order then account order, text quoted, numbers bare
    tt, ii = np.nonzero(b.U["au"] > 0)
    cols = [b.U[k][tt, ii] for k in ("au", "se", "ke", "ws", "wc")]
    split = rng.random(len(tt)) < 0.02          # a second product instance: two rows for the day
    dates = S(np.arange(T))
    f, w = writer(os.path.join(out, "usage.csv"), csv.QUOTE_NONNUMERIC)
    w.writerow(["date", "account_id", "active_users", "sessions", "key_events",
                "workflows_started", "workflows_completed"])
    dl = dates[tt].tolist()
    il = ids[ii].tolist()
    cl = [c.tolist() for c in cols]
    sp = split.tolist()
    rows = 0
    for k in range(len(tt)):
        v = [cl[0][k], cl[1][k], cl[2][k], cl[3][k], cl[4][k]]
        if sp[k]:
            half = [x // 2 for x in v]
            half[4] = min(half[4], half[3])
            rest = [x - y for x, y in zip(v, half)]
            w.writerow([dl[k], il[k]] + half)
            w.writerow([dl[k], il[k]] + rest)
            rows += 2
        else:
            w.writerow([dl[k], il[k]] + v)
            rows += 1
    f.close()
    counts["usage"] = rows

    # tickets.csv: helpdesk export, every field quoted, ISO timestamps with offsets, an extra Subject column
    f, w = writer(os.path.join(out, "tickets.csv"), csv.QUOTE_ALL)
    w.writerow(["Ticket_ID", "Account_ID", "Subject", "Opened_At", "Closed_At", "Priority",
                "SLA_Breached", "Escalated", "CSAT"])
    base_s = np.datetime64(start.isoformat(), "s")
    tid = 0
    for (t, idx, hh, tbv, tr) in b.tickets:
        k = len(idx)
        urgent_p = 0.04 + 0.25 * (tbv > 1.0)
        high_p = 0.15 + 0.10 * (hh < -0.5)
        u = rng.random(k)
        pri = np.where(u < urgent_p, 3, np.where(u < urgent_p + high_p, 2, np.where(u < urgent_p + high_p + 0.25, 0, 1)))
        res_base = np.array([7.0, 4.5, 2.5, 0.7])[pri]
        res = np.exp(rng.normal(np.log(res_base) - 0.15 * hh, 0.8))
        sla = np.array([10.0, 5.0, 2.0, 1.0])[pri]
        opened = t + rng.random(k)
        closed = opened + res
        closed_day = np.floor(closed).astype(np.int64)
        is_open = closed_day > T - 1
        breached = np.where(is_open, (T - 1 - t) > sla, res > sla)
        breached = breached ^ (rng.random(k) < 0.08)
        esc = rng.random(k) < sigmoid(-3.4 - 0.7 * hh + 1.3 * (pri == 3) + 1.0 * breached + 0.8 * (tr > 0))
        rated = (~is_open) & (rng.random(k) < 0.35)
        csat = np.clip(np.round(3.7 + 0.55 * hh - 0.9 * breached - 0.6 * esc + rng.normal(0, 0.9, k)), 1, 5)
        tzi = b.tz[idx]
        off_min = np.array([z[1] for z in TZ])[tzi]
        o_local = base_s + (opened * 86400).astype(np.int64) + off_min * 60
        c_local = base_s + (closed * 86400).astype(np.int64) + off_min * 60
        o_str = np.datetime_as_string(o_local.astype("datetime64[s]"), unit="s")
        c_str = np.datetime_as_string(c_local.astype("datetime64[s]"), unit="s")
        subj = rng.integers(len(TICKET_SUBJECTS), size=k)
        blank_pri = rng.random(k) < 0.05
        for q in range(k):
            tid += 1
            zs = TZ[tzi[q]][0]
            p = ["Low", "Normal", "High", "Urgent"][pri[q]]
            if pri[q] == 1 and blank_pri[q]:
                p = ""
            w.writerow([f"{tid:08d}", ids[idx[q]], TICKET_SUBJECTS[subj[q]], o_str[q] + zs,
                        "" if is_open[q] else c_str[q] + zs, p,
                        "TRUE" if breached[q] else "FALSE", "TRUE" if esc[q] else "FALSE",
                        str(int(csat[q])) if rated[q] else ""])
    f.close()
    counts["tickets"] = tid

    # nps.csv: survey waves in March and September, an onboarding survey; quoted only where needed
    alive_on = lambda i, t: (not b.hist[i]) and b.cs[i] <= t < min(b.churn_day[i], T)
    resp_rate = np.array([0.6, 1.0, 2.0])
    rows_n = []
    waves = []
    for y in range(start.year, b.end.year + 1):
        for mth in (3, 9):
            w0 = (dt.date(y, mth, 10) - start).days
            if 0 <= w0 < T:
                waves.append(w0)
    for w0 in waves:
        for i in range(n):
            if not alive_on(i, w0):
                continue
            eng = sigmoid(1.3 * b.H[w0, i] + 0.4)
            for _ in range(rng.poisson(resp_rate[b.seg[i]] * (0.4 + 0.6 * eng))):
                t = w0 + int(rng.integers(0, 21))
                if t < T and alive_on(i, t):
                    rows_n.append((t, i))
    for i in range(n):
        if b.cs[i] >= 0 and rng.random() < 0.6:
            t = b.cs[i] + 75 + int(rng.integers(-10, 11))
            if t < T and alive_on(i, t):
                rows_n.append((t, i))
    rows_n.sort()
    f, w = writer(os.path.join(out, "nps.csv"), csv.QUOTE_MINIMAL)
    w.writerow(["account_id", "date", "score", "respondent"])
    for (t, i) in rows_n:
        leaving = b.leave_start[i] <= t
        sc = int(np.clip(round(6.9 + 1.2 * b.H[t, i] + 0.5 * b.fit[i] + rng.normal(0, 1.6) - 2.0 * leaving), 0, 10))
        who = person(rng, titled=True) if rng.random() < 0.75 else ""
        w.writerow([ids[i], str(dates[t]), sc, who])
    f.close()
    counts["nps"] = len(rows_n)

    # projects, timesheets, milestones, change orders
    P, co = b.P, b.co
    m = len(P["acct"])
    pids = [f"PRJ-{j + 1:05d}" for j in range(m)]
    fp, wp = writer(os.path.join(out, "projects.csv"), csv.QUOTE_ALL)
    wp.writerow(["project_id", "account_id", "type", "start_date", "planned_end_date", "budget_hours",
                 "actual_end_date", "status"])
    ft, wt = writer(os.path.join(out, "timesheets.csv"), csv.QUOTE_MINIMAL)
    wt.writerow(["project_id", "date", "hours", "role"])
    fm, wm = writer(os.path.join(out, "milestones.csv"), csv.QUOTE_ALL)
    wm.writerow(["project_id", "milestone", "due_date", "completed_date"])
    fc, wc = writer(os.path.join(out, "change_orders.csv"), csv.QUOTE_MINIMAL)
    wc.writerow(["project_id", "date", "hours_added", "reason"])
    co_by = {}
    for q in range(len(co["proj"]) if len(co.get("proj", [])) else 0):
        co_by.setdefault(int(co["proj"][q]), []).append(q)
    kept = ts_rows = ms_rows = co_rows = 0
    status_counts = {"completed": 0, "cancelled": 0, "active": 0}
    for j in range(m):
        i = int(P["acct"][j])
        s = int(P["start"][j])
        if s >= min(b.churn_day[i], T):
            continue                          # the account left before the project would have started
        kept += 1
        planned_end = s + int(P["planned_days"][j])
        end_j = s + int(P["actual_days"][j])
        status = "completed"
        if P["cancel_frac"][j] > 0:
            end_j = s + max(1, int(P["cancel_frac"][j] * P["actual_days"][j]))
            status = "cancelled"
        if b.churn_day[i] <= end_j:
            end_j = max(s + 1, int(b.churn_day[i]) - int(rng.integers(0, 8)))
            status = "cancelled"
        cut = min(end_j, T - 1)               # the last day anything happens on this project in the data
        if end_j > T - 1:
            status = "active"
        status_counts[status] += 1
        # some exports leave status empty, which the contract reads from actual_end_date (never for cancelled)
        st = "" if (rng.random() < 0.1 and status != "cancelled") else status
        wp.writerow([pids[j], ids[i], P["type"][j], str(dates[s]) if s < T else str(S(s)), str(S(planned_end)),
                     f"{P['budget'][j]:.1f}", str(S(end_j)) if end_j <= T - 1 else "", st])
        # hours: at the planned rate (nudged by the overrun) until the trouble shows, then the rest
        full_days = int(P["actual_days"][j])
        disc = s + max(1, int(P["disc"][j] * full_days))
        plan_rate = P["budget"][j] / P["planned_days"][j]
        pre_rate = plan_rate * (1.0 + 0.35 * (P["hours_mult"][j] - 1.0))
        pre_total = pre_rate * (disc - s)
        post_days = max(s + full_days - disc, 1)
        post_rate = max(P["hours_total"][j] - pre_total, 0.05 * P["hours_total"][j]) / post_days
        roles = ROLES[P["type"][j]]
        blk = s
        while blk <= cut:
            last = min(blk + 6, cut)
            ndays = last - blk + 1
            pre_d = max(0, min(last + 1, disc) - blk)
            hours = (pre_d * pre_rate + (ndays - pre_d) * post_rate) * float(np.exp(rng.normal(0, 0.25)))
            for role, share in roles:
                hr = round(hours * share * float(np.exp(rng.normal(0, 0.15))), 2)
                if hr >= 0.25:
                    wt.writerow([pids[j], str(dates[last]), f"{hr:.2f}", role])
                    ts_rows += 1
            blk += 7
        # milestones: slips grow towards the end; the last one completes with the project
        names = MILESTONES[P["type"][j]]
        k = len(names)
        prev = s
        for q, nm in enumerate(names):
            due = s + int(round(P["planned_days"][j] * (q + 1) / k))
            slip_q = 1.0 + (P["slip"][j] - 1.0) * ((q + 1) / k) ** 0.7
            comp = s + int(round((due - s) * slip_q + rng.normal(0, 3)))
            comp = max(comp, prev)
            if status == "completed":
                comp = end_j if q == k - 1 else min(comp, end_j)
            prev = comp
            done = comp <= cut and comp <= end_j
            wm.writerow([pids[j], nm, str(S(due)), str(S(comp)) if done else ""])
            ms_rows += 1
        for q in co_by.get(j, []):
            t = s + int(co["frac_t"][q] * full_days)
            if t > cut:
                continue
            wc.writerow([pids[j], str(dates[t]), f"{co['hours'][q]:.1f}",
                         CO_REASONS[rng.integers(len(CO_REASONS))]])
            co_rows += 1
    for f in (fp, ft, fm, fc):
        f.close()
    counts.update(projects=kept, timesheets=ts_rows, milestones=ms_rows, change_orders=co_rows,
                  project_status=status_counts)
    return counts


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--accounts", type=int, default=3000)
    ap.add_argument("--start", default="2024-01-01")
    ap.add_argument("--end", default="2025-12-31")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    start, end = dt.date.fromisoformat(a.start), dt.date.fromisoformat(a.end)
    if end <= start + dt.timedelta(days=120):
        ap.error("--end must be at least 120 days after --start")
    if a.accounts < 1:
        ap.error("--accounts must be at least 1")
    t0 = time.time()
    rng = np.random.default_rng(a.seed)
    book = simulate(rng, a.accounts, start, end)
    t1 = time.time()
    counts = render(book, rng, a.out)
    t2 = time.time()
    churned = int(((book.churn_day >= 0) & (book.churn_day <= book.T - 1)).sum())
    summary = {"generator_version": GENERATOR_VERSION, "seed": a.seed, "accounts": a.accounts,
               "start": a.start, "end": a.end, "rows": counts, "churned_in_window": churned, "events": book.stats,
               "seconds": {"simulate": round(t1 - t0, 2), "write": round(t2 - t1, 2)}}
    print(json.dumps(summary), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
