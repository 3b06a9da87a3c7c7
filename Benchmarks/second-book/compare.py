#!/usr/bin/env python3
"""Vitals against the pandas + scikit-learn reference, on the second, independent book.

    Benchmarks/.venv-second-book/bin/python Benchmarks/second-book/compare.py [--seed 7] [--accounts 3000]
        [--cutoff 2025-03-31] [--vitals PATH]

1. generates the book with generate.py (cached in Benchmarks/.data/second-book-<seed>-<accounts>/signals)
   and checks it with `vitals validate`;
2. per task, trains Vitals with the shipped config (Training/churn.yaml, Training/overrun.yaml) on
   the labels known by --cutoff, runs `vitals evaluate --from <cutoff + 1> --json` (its own figures,
   kept as a cross-check), and scores every evaluation snapshot date with `vitals score --as-of`;
3. runs reference_pipeline.py on the same cutoff and evaluation dates;
4. checks that both sides evaluate exactly the same (entity, date, label) rows (those of
   `vitals features --labelled-only`), then computes every figure for both with the same code
   and the same bootstrap draws (200 resamples of whole accounts or projects), so the
   intervals of the difference are paired;
5. prints a markdown table and writes compare.json and compare.md beside the book.

The evaluation dates are Vitals' own: month-ends for churn, Sundays for overrun (the shipped
configs' cadences). The reference trains on month-ends for both tasks, as its authors would.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import reference_pipeline as ref  # noqa: E402

TASKS = {"churn": "account_id", "overrun": "project_id"}


def run(cmd, capture=True, check=True):
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE if capture else None, stderr=subprocess.PIPE, text=True)
    secs = time.time() - t0
    if check and p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return p, secs


def generate(args, book_dir):
    sig = os.path.join(book_dir, "signals")
    marker = os.path.join(book_dir, "book.json")
    gen = os.path.join(HERE, "generate.py")
    digest = hashlib.sha256(open(gen, "rb").read()).hexdigest()
    want = {"seed": args.seed, "accounts": args.accounts, "start": args.start, "end": args.end,
            "generate_py_sha256": digest}
    if not args.regenerate and os.path.exists(marker):
        have = json.load(open(marker))
        if {k: have.get(k) for k in want} == want:
            print(f"==> book cached in {sig}", file=sys.stderr)
            return sig, have
    shutil.rmtree(book_dir, ignore_errors=True)
    os.makedirs(book_dir)
    print(f"==> generating {args.accounts} accounts, {args.start} .. {args.end}, seed {args.seed}", file=sys.stderr)
    p, secs = run([sys.executable, gen, "--seed", str(args.seed), "--accounts", str(args.accounts),
                   "--start", args.start, "--end", args.end, "--out", sig])
    info = dict(want, generator=json.loads(p.stderr.strip().splitlines()[-1]), seconds=round(secs, 2))
    with open(marker, "w") as f:
        json.dump(info, f, indent=2)
    return sig, info


def vitals_side(args, sig, res, task, cutoff, eval_from):
    V = args.vitals
    cfg = os.path.join(ROOT, "Training", f"{task}.yaml")
    model = os.path.join(res, f"{task}-model.json")
    timings = {}
    p, timings["train"] = run([V, "train", sig, "--config", cfg, "--until", cutoff, "--out", model, "--force"])
    train_log = p.stdout + p.stderr
    p, timings["evaluate"] = run([V, "evaluate", sig, "--model", model, "--from", eval_from,
                                  "--capacity", str(args.k), "--json", "-q"])
    own = json.loads(p.stdout)
    with open(os.path.join(res, f"{task}-vitals-evaluate.json"), "w") as f:
        f.write(p.stdout)
    # the exact rows Vitals evaluates: labelled snapshots from eval_from on
    rows_csv = os.path.join(res, f"{task}-vitals-rows.csv")
    run([V, "features", sig, "--task", task, "--from", eval_from, "--labelled-only", "--out", rows_csv,
         "--force", "-q"])
    rows = pd.read_csv(rows_csv, usecols=[TASKS[task], "as_of", "label"], dtype={TASKS[task]: str})
    rows = rows.rename(columns={TASKS[task]: "entity"})
    # Vitals' probability for each row, from a score run as of each snapshot date
    scores_dir = os.path.join(res, f"{task}-scores")
    shutil.rmtree(scores_dir, ignore_errors=True)
    frames = []
    t0 = time.time()
    for d in sorted(rows["as_of"].unique()):
        run([V, "score", sig, "--model", model, "--as-of", d, "--out", scores_dir, "--no-history", "-q"])
        s = pd.read_csv(os.path.join(scores_dir, f"{task}-scores-{d}.csv"), dtype={TASKS[task]: str})
        frames.append(s[[TASKS[task], "as_of", f"{task}_probability"]])
    timings["score_all_dates"] = time.time() - t0
    sc = pd.concat(frames).rename(columns={TASKS[task]: "entity", f"{task}_probability": "vitals"})
    out = rows.merge(sc, on=["entity", "as_of"], how="left")
    if out["vitals"].isna().any():
        sys.exit(f"{task}: {int(out['vitals'].isna().sum())} evaluation rows have no Vitals score")
    return out, own, train_log, {k: round(v, 2) for k, v in timings.items()}


def versions():
    import platform
    import sklearn
    return {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__,
            "scikit-learn": sklearn.__version__}


def fmt(x, iv=None, signed=False):
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "—"
    s = f"{x:+.3f}" if signed else f"{x:.3f}"
    if iv:
        s += f" [{iv[0]:+.3f}, {iv[1]:+.3f}]" if signed else f" [{iv[0]:.3f}, {iv[1]:.3f}]"
    return s


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--accounts", type=int, default=3000)
    ap.add_argument("--start", default="2024-01-01")
    ap.add_argument("--end", default="2025-12-31")
    ap.add_argument("--cutoff", default="2025-03-31", help="train on labels known by this date")
    ap.add_argument("--k", type=int, default=50, help="precision@k, per snapshot date")
    ap.add_argument("--reps", type=int, default=200, help="bootstrap resamples")
    ap.add_argument("--vitals", default=os.path.join(HERE, "..", "..", ".build", "release", "vitals"))
    ap.add_argument("--data", default=os.path.join(HERE, "..", ".data"))
    ap.add_argument("--regenerate", action="store_true")
    args = ap.parse_args(argv)
    args.vitals = os.path.abspath(args.vitals)
    if not os.access(args.vitals, os.X_OK):
        sys.exit(f"no vitals binary at {args.vitals}; build it (swift build -c release) or pass --vitals")

    book_dir = os.path.abspath(os.path.join(args.data, f"second-book-{args.seed}-{args.accounts}"))
    sig, book = generate(args, book_dir)
    res = os.path.join(book_dir, "results")
    os.makedirs(res, exist_ok=True)

    p, secs = run([args.vitals, "validate", sig], check=False)
    validate_text = (p.stdout + p.stderr).strip()
    validate_lines = [ln for ln in validate_text.splitlines() if not ln.startswith("…")]
    with open(os.path.join(res, "validate.txt"), "w") as f:
        f.write("\n".join(validate_lines) + "\n")
    if p.returncode != 0:
        sys.exit("vitals validate failed:\n" + validate_text)
    warnings = []
    if "warnings:" in validate_lines:
        warnings = [ln.strip() for ln in validate_lines[validate_lines.index("warnings:") + 1:] if ln.startswith("  ")]
    print(f"==> vitals validate: valid ({secs:.2f} s), {len(warnings)} warnings", file=sys.stderr)

    cutoff = args.cutoff
    eval_from = (dt.date.fromisoformat(cutoff) + dt.timedelta(days=1)).isoformat()
    py = sys.executable
    print("==> reference pipeline (pandas + scikit-learn)", file=sys.stderr)
    ref_json = os.path.join(res, "reference.json")
    p, ref_secs = run([py, os.path.join(HERE, "reference_pipeline.py"), "--signals", sig, "--cutoff", cutoff,
                       "--eval-from", eval_from, "--overrun-eval-cadence", "weekly", "--k", str(args.k),
                       "--reps", str(args.reps), "--out", ref_json, "--predictions", res])
    reference = json.load(open(ref_json))

    result = {"seed": args.seed, "accounts": args.accounts, "start": args.start, "end": args.end,
              "cutoff": cutoff, "eval_from": eval_from, "k": args.k, "bootstrap_replicates": args.reps,
              "vitals": args.vitals, "versions": versions(), "validate": validate_lines, "validate_warnings": warnings, "generator": book.get("generator"),
              "seconds": {"generate": book.get("seconds"), "reference_total": round(ref_secs, 2)}, "tasks": {}}
    md = [f"# Vitals vs the pandas + scikit-learn reference on the second book",
          "",
          f"Book: `generate.py --seed {args.seed} --accounts {args.accounts} --start {args.start} --end {args.end}`; "
          f"trained on labels known by {cutoff}, evaluated on snapshot dates from {eval_from}. "
          f"Intervals: 95 % percentile bootstrap, {args.reps} resamples of whole accounts (churn) or projects "
          f"(overrun), the same draws for both sides; the last column is the paired interval of the difference.",
          ""]
    for task in TASKS:
        print(f"==> vitals {task}", file=sys.stderr)
        vit, own, train_log, vsecs = vitals_side(args, sig, res, task, cutoff, eval_from)
        refp = pd.read_csv(os.path.join(res, f"{task}-predictions.csv"), dtype={"entity": str})
        both = vit.merge(refp.rename(columns={"label": "label_ref", "score": "reference"}),
                         on=["entity", "as_of"], how="outer", indicator=True)
        agree = {"vitals_rows": len(vit), "reference_rows": len(refp),
                 "only_vitals": int((both["_merge"] == "left_only").sum()),
                 "only_reference": int((both["_merge"] == "right_only").sum()),
                 "label_mismatches": int((both["label"] != both["label_ref"])[both["_merge"] == "both"].sum())}
        if agree["only_vitals"] or agree["only_reference"] or agree["label_mismatches"]:
            print(f"warning: {task}: the two sides' evaluation rows differ: {agree}; "
                  f"comparing on the rows both have, with Vitals' labels", file=sys.stderr)
        both = both[both["_merge"] == "both"].drop(columns=["_merge", "label_ref"])
        both["as_of"] = [ref.day_number(dt.date.fromisoformat(d)) for d in both["as_of"]]
        both = both.sort_values(["as_of", "entity"]).reset_index(drop=True)
        t0 = time.time()
        point = ref.summary(both, ["vitals", "reference"], args.k)
        iv = ref.bootstrap(both, ["vitals", "reference"], args.k, args.reps, seed=42)
        boot_secs = time.time() - t0
        dates = np.unique(both["as_of"].to_numpy())
        per = []
        for j, D in enumerate(dates):
            m = both["as_of"].to_numpy() == D
            per.append({"as_of": str(ref.from_day(D)), "rows": int(m.sum()),
                        "positives": int(both["label"].to_numpy()[m].sum()),
                        **{f"{side}_{name}": point[side]["per_date"][j][q]
                           for side in ("vitals", "reference")
                           for q, name in enumerate(("auc", "pr_auc", "precision_at_k"))}})
        figures = {s: {"vitals": point["vitals"][s], "reference": point["reference"][s],
                       "vitals_interval": iv["vitals"][s], "reference_interval": iv["reference"][s],
                       "difference": point["vitals"][s] - point["reference"][s],
                       "difference_interval": iv["difference"][s],
                       "bootstrap_share_vitals_ahead": iv["difference_share_above_zero"][s]}
                   for s in ref.SCALARS}
        own_figs = {"auc": own.get("auc"), "pr_auc": own.get("pr_auc"),
                    "precision_at_k_per_cycle": own.get("precision_at_k_per_cycle"),
                    "intervals": own.get("intervals"), "n": own.get("n"), "positives": own.get("positives")}
        result["tasks"][task] = {
            "rows": len(both), "positives": int(both["label"].sum()), "snapshot_dates": len(dates),
            "eval_cadence": "month-ends" if task == "churn" else "Sundays",
            "row_agreement": agree, "figures": figures, "per_date": per,
            "vitals_evaluate_own_figures": own_figs,
            "vitals_train_log": [ln for ln in train_log.splitlines() if not ln.startswith("…")],
            "reference_train_rows": reference[task]["train_rows"],
            "reference_train_positives": reference[task]["train_positives"],
            "reference_coefficients_standardized": reference[task]["coefficients_standardized"],
            "seconds": dict(vsecs, reference=reference[task]["seconds"], paired_bootstrap=round(boot_secs, 2)),
        }
        names = {"auc_mean": "AUC, mean over dates", "pr_auc_mean": "PR AUC (average precision), mean over dates",
                 "precision_at_k_mean": f"precision@{args.k}, mean over dates", "auc_pooled": "AUC, pooled",
                 "pr_auc_pooled": "PR AUC, pooled"}
        md += [f"## {task}: {len(both)} labelled {'account' if task == 'churn' else 'project'}-snapshots, "
               f"{int(both['label'].sum())} positive, {len(dates)} snapshot dates "
               f"({'month-ends' if task == 'churn' else 'Sundays'} {per[0]['as_of']} … {per[-1]['as_of']})",
               "",
               "| metric | Vitals | reference | Vitals − reference |",
               "|---|---|---|---|"]
        for s in ref.SCALARS:
            f_ = figures[s]
            md.append(f"| {names[s]} | {fmt(f_['vitals'], f_['vitals_interval'])} | "
                      f"{fmt(f_['reference'], f_['reference_interval'])} | "
                      f"{fmt(f_['difference'], f_['difference_interval'], signed=True)} |")
        ci = (own.get("intervals") or {})
        md += ["",
               f"Cross-check, `vitals evaluate --json` on the same window: AUC {fmt(own.get('auc'))}, "
               f"PR AUC {fmt(own.get('pr_auc'))}, precision@{args.k} per cycle "
               f"{fmt(own.get('precision_at_k_per_cycle'), [ci['precision_at_k']['lower'], ci['precision_at_k']['upper']] if 'precision_at_k' in ci else None)}"
               f" ({own.get('n')} rows, {own.get('positives')} positive). Rows and labels agree with the "
               f"reference's: {agree['only_vitals']} only in Vitals, {agree['only_reference']} only in the "
               f"reference, {agree['label_mismatches']} label mismatches.",
               ""]
        if len(per) <= 12:
            md += ["| date | rows | positives | AUC Vitals | AUC ref | PR AUC Vitals | PR AUC ref | "
                   f"p@{args.k} Vitals | p@{args.k} ref |", "|---|---|---|---|---|---|---|---|---|"]
            for r in per:
                md.append(f"| {r['as_of']} | {r['rows']} | {r['positives']} | {fmt(r['vitals_auc'])} | "
                          f"{fmt(r['reference_auc'])} | {fmt(r['vitals_pr_auc'])} | {fmt(r['reference_pr_auc'])} | "
                          f"{fmt(r['vitals_precision_at_k'])} | {fmt(r['reference_precision_at_k'])} |")
            md.append("")
        else:
            md += [f"Per-date figures for the {len(per)} dates are in compare.json.", ""]
    text = "\n".join(md)
    print(text)
    with open(os.path.join(res, "compare.md"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(res, "compare.json"), "w") as f:
        json.dump(ref.clean(result), f, indent=2)
        f.write("\n")
    print(f"==> wrote {os.path.join(res, 'compare.json')} and compare.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
