#!/usr/bin/env python3
"""`make -C Benchmarks tables`: `vitals train --table` against Python tools on real churn tables.

For each dataset (Tests/Fixtures/real/bank-customer-churn.csv, .../telco-customer-churn.csv) and each
split i = 0 .. SPLITS-1, a stratified 70/30 split (StratifiedShuffleSplit(n_splits=1, test_size=0.3,
random_state=i)) is written as train.csv (rows in a shuffled order, numpy default_rng(i)) and test.csv
(rows in file order), with every column and every cell exactly as in the source file (the label in its
original form: `vitals train --table` reads 1/0, true/false and yes/no).

Vitals gets only `--label` and `--id` (plus `--vitals-extra`, appended to `train`, for experiments):
    vitals train --table train.csv --label L --id ID --out model.json
    vitals evaluate --table test.csv --model model.json --json
    vitals score --table test.csv --model model.json --out DIR
Its probabilities are read from DIR/table-scores.csv, so the metrics are computed by the same function
for every tool; `evaluate --json`'s AUC, PR AUC and log loss are kept as a cross-check.

The peers fit on the same rows without the id, the label and the dataset's non-feature columns:
scikit-learn LogisticRegression (median imputation + StandardScaler, one-hot), the same on per-feature
cubic splines (quantile knots), HistGradientBoostingClassifier and LightGBM (default, native categorical
and missing-value handling), and InterpretML's EBM (default, and interactions=0).

Metrics per split: ROC AUC, PR AUC (average precision), log loss, the share of distinct probabilities
among the test rows, and fit seconds (Vitals: the whole `vitals train` process, spawn to exit, reading
the CSV included; peers: `fit` alone, on an in-memory DataFrame). Every per-split figure goes to
--out (default .data/tables/results.json, and a copy named by the run's start time).
"""
import argparse
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, SplineTransformer, StandardScaler

BENCHMARKS = Path(__file__).resolve().parent.parent
REPO = BENCHMARKS.parent
FIXTURES = REPO / "Tests" / "Fixtures" / "real"

DATASETS = {
    "bank": {
        "file": "bank-customer-churn.csv", "label": "Exited", "id": "CustomerId",
        "not_features": ["RowNumber", "Surname"],
    },
    "telco": {
        "file": "telco-customer-churn.csv", "label": "Churn", "id": "customerID",
        "not_features": [],
    },
}

# The product owner's targets (bank AUC, bank gap to EBM, telco floor, distinct share).
TARGETS = {"bank_auc": 0.845, "bank_ebm_gap": 0.01, "telco_auc": 0.846 - 0.005, "distinct": 0.95}

TOOLS = ["vitals", "sklearn_lr", "spline_lr", "hgb", "lightgbm", "ebm", "ebm_additive"]
TOOL_NAMES = {
    "vitals": "Vitals `train --table`",
    "sklearn_lr": "scikit-learn LR",
    "spline_lr": "LR on splines",
    "hgb": "HistGradientBoosting",
    "lightgbm": "LightGBM",
    "ebm": "EBM",
    "ebm_additive": "EBM, interactions=0",
}
SPLINE_KNOTS = 6

# EBM says on every telco fit that its plots do not show missing values (TotalCharges); not a fit problem.
warnings.filterwarnings("ignore", message="Missing values detected")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vitals", default=str(BENCHMARKS / ".." / ".build" / "release" / "vitals"),
                        help="the vitals binary (default ../.build/release/vitals, relative to Benchmarks/)")
    parser.add_argument("--vitals-extra", default="", help="extra options appended to `vitals train`, one string: --vitals-extra=\"--config x.yaml\"")
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--datasets", default="bank,telco")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"a subset of {','.join(TOOLS)}")
    parser.add_argument("--data", default=str(BENCHMARKS / ".data" / "tables"), help="split files and tool outputs")
    parser.add_argument("--out", help="the results JSON (default DATA/results.json)")
    args = parser.parse_args()
    args.datasets = [d for d in args.datasets.split(",") if d]
    args.tools = [t for t in args.tools.split(",") if t]
    for d in args.datasets:
        if d not in DATASETS:
            parser.error(f"unknown dataset {d!r}; known: {', '.join(DATASETS)}")
    for t in args.tools:
        if t not in TOOLS:
            parser.error(f"unknown tool {t!r}; known: {', '.join(TOOLS)}")
    if "vitals" in args.tools and not os.access(args.vitals, os.X_OK):
        parser.error(f"no vitals binary at {args.vitals} (build it, or pass --vitals / VITALS=...)")
    args.data = Path(args.data)
    args.out = Path(args.out) if args.out else args.data / "results.json"
    return args


# ---------------------------------------------------------------- metrics (the same code for every tool)

def metrics(y, p):
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    if len(y) != len(p) or not np.all(np.isfinite(p)) or p.min() < 0 or p.max() > 1:
        raise ValueError("probabilities must be finite, in [0, 1], one per test row")
    return {
        "auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
        "log_loss": float(log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1])),
        "distinct_share": float(len(np.unique(p)) / len(p)),
        "test_rows": int(len(p)),
    }


# ---------------------------------------------------------------- data

def read_raw(spec):
    """Every cell as the exact text of the file (no NA parsing), so the split files copy it unchanged."""
    return pd.read_csv(FIXTURES / spec["file"], dtype=str, keep_default_na=False, na_filter=False)


def label_vector(text):
    lowered = text.str.strip().str.lower()
    mapping = {"1": 1, "0": 0, "yes": 1, "no": 0, "true": 1, "false": 0}
    bad = sorted(set(lowered) - set(mapping))
    if bad:
        raise ValueError(f"labels not 1/0, yes/no or true/false: {bad[:5]}")
    return lowered.map(mapping).to_numpy(dtype=np.int64)


def typed_features(raw, spec):
    """The peers' feature frame: numeric columns as float (blank -> NaN), text columns as category
    (levels from the whole file, which holds no label information)."""
    drop = [spec["label"], spec["id"], *spec["not_features"]]
    frame = {}
    for name in raw.columns:
        if name in drop:
            continue
        text = raw[name].str.strip()
        number = pd.to_numeric(text.replace("", np.nan), errors="coerce")
        # numeric when every non-blank cell parses as a number
        if number.notna().sum() == (text != "").sum():
            frame[name] = number.astype(np.float64)
        else:
            frame[name] = text.replace("", np.nan).astype("category")
    return pd.DataFrame(frame)


def splits(y, count):
    for i in range(count):
        sss = StratifiedShuffleSplit(n_splits=1, test_size=0.3, random_state=i)
        train, test = next(sss.split(np.zeros(len(y)), y))
        train = np.random.default_rng(i).permutation(train)  # shuffled: Vitals takes rows to be in time order
        yield i, train, np.sort(test)


# ---------------------------------------------------------------- Vitals

def run(command, log):
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    with open(log, "a") as f:
        f.write("$ " + shlex.join(command) + f"\n# exit {done.returncode}, {seconds:.3f} s\n")
        f.write(done.stdout + done.stderr + "\n")
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return done, seconds


def vitals_split(args, spec, folder, test_ids, y_test):
    log = folder / "vitals.log"
    log.unlink(missing_ok=True)
    model = folder / "model.json"
    model.unlink(missing_ok=True)
    scores = folder / "vitals-scores"
    if scores.exists():
        for f in scores.iterdir():
            f.unlink()
        scores.rmdir()
    train = [args.vitals, "train", "--table", str(folder / "train.csv"), "--label", spec["label"],
             "--id", spec["id"], "--out", str(model), *shlex.split(args.vitals_extra)]
    trained, fit_seconds = run(train, log)
    evaluated, _ = run([args.vitals, "evaluate", "--table", str(folder / "test.csv"), "--model", str(model),
                        "--json"], log)
    run([args.vitals, "score", "--table", str(folder / "test.csv"), "--model", str(model),
         "--out", str(scores)], log)

    # probabilities from the score file, matched to the test rows by id (exact text, read back as float64)
    table = pd.read_csv(scores / "table-scores.csv", dtype={spec["id"]: str, "probability": str},
                        keep_default_na=False)
    if table[spec["id"]].duplicated().any() or set(table[spec["id"]]) != set(test_ids):
        raise RuntimeError(f"{scores}/table-scores.csv does not hold each test id once")
    by_id = dict(zip(table[spec["id"]], table["probability"].astype(np.float64)))
    p = np.array([by_id[i] for i in test_ids], dtype=np.float64)
    result = metrics(y_test, p)
    result["fit_seconds"] = fit_seconds

    reported = json.loads(evaluated.stdout)
    result["evaluate_json"] = {k: reported.get(k) for k in ("auc", "pr_auc", "log_loss", "n", "positives")}
    saved = json.loads(model.read_text())
    result["features_used"] = [c["source"] for c in saved.get("encoding", {}).get("columns", [])]
    result["warnings"] = [line for line in (trained.stdout + trained.stderr).splitlines()
                          if line.lower().startswith("warning")]
    result["train_summary"] = trained.stdout.splitlines()[0] if trained.stdout else ""
    result["command"] = shlex.join(train)
    return result


# ---------------------------------------------------------------- peers

def numeric_and_categorical(x):
    numeric = [c for c in x.columns if not isinstance(x[c].dtype, pd.CategoricalDtype)]
    categorical = [c for c in x.columns if isinstance(x[c].dtype, pd.CategoricalDtype)]
    return numeric, categorical


def one_hot():
    return make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore"))


def sklearn_lr(x_train):
    numeric, categorical = numeric_and_categorical(x_train)
    columns = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("cat", one_hot(), categorical),
    ])
    return Pipeline([("columns", columns), ("lr", LogisticRegression(max_iter=5000))])


def spline_knots(values):
    """Cubic-spline knots for one column, from its training values: SPLINE_KNOTS quantiles, with repeats
    dropped; evenly spaced over the range when fewer than 3 distinct quantiles remain (e.g. NumOfProducts)."""
    values = values[~np.isnan(values)]
    knots = np.unique(np.quantile(values, np.linspace(0, 1, SPLINE_KNOTS)))
    if len(knots) < 3:
        knots = np.linspace(values.min(), values.max(), SPLINE_KNOTS)
    return knots.reshape(-1, 1)


def spline_lr(x_train):
    numeric, categorical = numeric_and_categorical(x_train)
    parts = []
    for c in numeric:
        values = x_train[c].to_numpy(dtype=np.float64)
        if len(np.unique(values[~np.isnan(values)])) <= 2:  # a 0/1 flag: as it is
            parts.append((c, SimpleImputer(strategy="median"), [c]))
        else:
            parts.append((c, make_pipeline(SimpleImputer(strategy="median"),
                                           SplineTransformer(degree=3, knots=spline_knots(values))), [c]))
    parts.append(("cat", one_hot(), categorical))
    return Pipeline([("columns", ColumnTransformer(parts)), ("lr", LogisticRegression(max_iter=5000))])


def hgb(x_train):
    return HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=0)


def lightgbm_model(x_train):
    import lightgbm
    return lightgbm.LGBMClassifier(verbose=-1, random_state=0)


def ebm(x_train, interactions=None):
    from interpret.glassbox import ExplainableBoostingClassifier
    if interactions is None:
        return ExplainableBoostingClassifier()
    return ExplainableBoostingClassifier(interactions=interactions)


def as_text_categories(x):
    """EBM reads text columns as nominal; give it object columns rather than pandas categories."""
    return x.apply(lambda s: s.astype(object) if isinstance(s.dtype, pd.CategoricalDtype) else s)


PEERS = {
    "sklearn_lr": (sklearn_lr, None),
    "spline_lr": (spline_lr, None),
    "hgb": (hgb, None),
    "lightgbm": (lightgbm_model, None),
    "ebm": (ebm, as_text_categories),
    "ebm_additive": (lambda x: ebm(x, interactions=0), as_text_categories),
}


def peer_split(tool, x_train, y_train, x_test, y_test):
    build, prepare = PEERS[tool]
    if prepare is not None:
        x_train, x_test = prepare(x_train), prepare(x_test)
    model = build(x_train)
    start = time.perf_counter()
    model.fit(x_train, y_train)
    fit_seconds = time.perf_counter() - start
    p = model.predict_proba(x_test)[:, list(model.classes_).index(1)]
    result = metrics(y_test, p)
    result["fit_seconds"] = fit_seconds
    return result


# ---------------------------------------------------------------- report

def summary(runs):
    def mean(key):
        return float(np.mean([r[key] for r in runs]))

    aucs = [r["auc"] for r in runs]
    return {
        "auc_mean": float(np.mean(aucs)),
        "auc_sd": float(np.std(aucs, ddof=1)) if len(aucs) > 1 else 0.0,
        "pr_auc_mean": mean("pr_auc"), "log_loss_mean": mean("log_loss"),
        "distinct_share_mean": mean("distinct_share"),
        "distinct_share_min": float(min(r["distinct_share"] for r in runs)),
        "fit_seconds_mean": mean("fit_seconds"),
        "fit_seconds_median": float(np.median([r["fit_seconds"] for r in runs])), "splits": len(runs),
    }


def markdown(name, spec, rows, per_tool):
    lines = [f"### {name}: {spec['file']} ({rows:,} rows), {per_tool and len(next(iter(per_tool.values())))} "
             f"stratified 70/30 splits", "",
             "| tool | AUC (mean ± sd) | PR AUC | log loss | distinct p (mean, min) | fit s (mean) | fit s (median) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for tool, runs in per_tool.items():
        s = summary(runs)
        lines.append(f"| {TOOL_NAMES[tool]} | {s['auc_mean']:.4f} ± {s['auc_sd']:.4f} | {s['pr_auc_mean']:.4f} | "
                     f"{s['log_loss_mean']:.4f} | {100 * s['distinct_share_mean']:.1f} %, "
                     f"{100 * s['distinct_share_min']:.1f} % | {s['fit_seconds_mean']:.2f} | {s['fit_seconds_median']:.2f} |")
    return "\n".join(lines)


def target_lines(results):
    def auc(dataset, tool):
        runs = results.get(dataset, {}).get(tool)
        return summary(runs)["auc_mean"] if runs else None

    lines = []

    def check(text, ok):
        lines.append(f"- {text}: {'MET' if ok else 'NOT MET'}")

    bank, telco, bank_ebm = auc("bank", "vitals"), auc("telco", "vitals"), auc("bank", "ebm")
    if bank is not None:
        check(f"bank, Vitals mean AUC {bank:.4f} ≥ {TARGETS['bank_auc']}", bank >= TARGETS["bank_auc"])
        if bank_ebm is not None:
            check(f"bank, Vitals within {TARGETS['bank_ebm_gap']} of EBM ({bank_ebm:.4f}): gap {bank_ebm - bank:+.4f}",
                  bank_ebm - bank <= TARGETS["bank_ebm_gap"])
    if telco is not None:
        check(f"telco, Vitals mean AUC {telco:.4f} ≥ {TARGETS['telco_auc']:.3f}", telco >= TARGETS["telco_auc"])
    for dataset in ("bank", "telco"):
        runs = results.get(dataset, {}).get("vitals")
        if runs:
            low = min(r["distinct_share"] for r in runs)
            check(f"{dataset}, Vitals distinct probabilities, lowest split {100 * low:.1f} % ≥ "
                  f"{100 * TARGETS['distinct']:.0f} %", low >= TARGETS["distinct"])
    return lines


def versions():
    out = {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__,
           "scikit-learn": sklearn.__version__}
    for module, key in (("lightgbm", "lightgbm"), ("interpret", "interpret")):
        try:
            out[key] = __import__(module).__version__
        except Exception:  # noqa: BLE001 - a missing peer is reported, not fatal
            out[key] = None
    return out


def machine():
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": model, "load_average": list(os.getloadavg())}


def main():
    args = arguments()
    started = time.perf_counter()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    env = {"started": stamp, "machine": machine(), "versions": versions(), "vitals": args.vitals,
           "vitals_extra": args.vitals_extra, "splits": args.splits, "spline_knots": SPLINE_KNOTS}
    print(f"Tables benchmark, {stamp}")
    print(f"machine: {env['machine']['cores']} cores, {env['machine']['cpu']}, load average "
          + " ".join(f"{v:.2f}" for v in env["machine"]["load_average"]))
    print("versions: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()))
    print(f"vitals: {args.vitals}" + (f" (train extra: {args.vitals_extra})" if args.vitals_extra else ""))
    print(flush=True)

    results, tables, notes = {}, [], []
    for name in args.datasets:
        spec = DATASETS[name]
        raw = read_raw(spec)
        y = label_vector(raw[spec["label"]])
        x = typed_features(raw, spec)
        results[name] = {tool: [] for tool in args.tools}
        for i, train, test in splits(y, args.splits):
            folder = args.data / name / f"split-{i}"
            folder.mkdir(parents=True, exist_ok=True)
            raw.iloc[train].to_csv(folder / "train.csv", index=False)
            raw.iloc[test].to_csv(folder / "test.csv", index=False)
            x_train, x_test = x.iloc[train].reset_index(drop=True), x.iloc[test].reset_index(drop=True)
            y_train, y_test = y[train], y[test]
            for tool in args.tools:
                if tool == "vitals":
                    r = vitals_split(args, spec, folder, raw[spec["id"]].iloc[test].tolist(), y_test)
                else:
                    r = peer_split(tool, x_train, y_train, x_test, y_test)
                r["split"] = i
                r["load_average_1min"] = os.getloadavg()[0]  # the machine is shared: fit times move with it
                results[name][tool].append(r)
                print(f"{name} split {i} {tool:>12}: AUC {r['auc']:.4f}  PR AUC {r['pr_auc']:.4f}  "
                      f"log loss {r['log_loss']:.4f}  distinct {100 * r['distinct_share']:.1f} %  "
                      f"fit {r['fit_seconds']:.2f} s", flush=True)
        table = markdown(name, spec, len(raw), results[name])
        tables.append(table)
        print("\n" + table + "\n", flush=True)
        vitals_runs = results[name].get("vitals")
        if vitals_runs:
            features = vitals_runs[0]["features_used"]
            # one line per warning, its numbers (which vary by split) shown for the first split that gave it
            seen = {}
            for r in vitals_runs:
                for w in r["warnings"]:
                    seen.setdefault(re.sub(r"[0-9]+", "#", w), [w, 0])[1] += 1
            warnings = [f"{w} ({n} of {len(vitals_runs)} splits)" for w, n in seen.values()]
            gap = max(abs(r["auc"] - r["evaluate_json"]["auc"]) for r in vitals_runs)
            note = (f"{name}: Vitals got only --label {spec['label']} --id {spec['id']}; it used the columns "
                    f"{', '.join(features)}; warnings: {'; '.join(warnings) if warnings else 'none'}; "
                    f"AUC from the score file vs `evaluate --json`: max difference {gap:.2e}")
            notes.append(note)
            print(note + "\n", flush=True)

    checks = target_lines(results)
    if checks:
        print("targets:\n" + "\n".join(checks))
    wall = time.perf_counter() - started
    print(f"\nwall time {wall:.1f} s; load average at the end "
          + " ".join(f"{v:.2f}" for v in os.getloadavg()) + f"; per-split figures in {args.out}")
    env["wall_seconds"] = wall
    summaries = {d: {t: summary(runs) for t, runs in per.items() if runs} for d, per in results.items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"run": env, "summary": summaries, "targets": checks, "notes": notes, "results": results},
                      indent=2) + "\n"
    args.out.write_text(text)
    # and a copy named by the start time, so earlier runs stay comparable
    (args.out.parent / f"{args.out.stem}-{stamp.replace(':', '')}.json").write_text(text)


if __name__ == "__main__":
    sys.exit(main())
