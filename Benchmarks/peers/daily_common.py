"""What the three reference pipelines of `make bench` share: arguments, the model file,
scoring with the model's own numbers, the report line, and the feature definitions.

The features are those of Vitals' account, usage, support and NPS families
(docs/FEATURES.md), as of day D, from rows dated on or before D:

account   tenure_days = D - contract_start; days_to_renewal = days to the next anniversary
          of renewal_date (else contract_start) after D; log_arr = log1p(arr); seats;
          segment=<level> one-hot over the model's levels.
usage     usage_missing = no usage row on or before D (then the rest are NaN).
          mean_active(w, end) = sum of active_users over [max(end-w+1, start), end] / days.
          active_user_ratio_{7,30,90}d = mean_active(w, D) / seats.
          usage_trend_90d: the 13 weekly means ending D-84, ..., D-7, D (only weeks wholly
          after contract_start), least-squares slope over their mean (0 when the mean is 0;
          NaN with fewer than 4 weeks).
          active_users_30d_over_90d = mean_active(30) / mean_active(90) (NaN when 0).
          days_since_last_activity = D - last day with active_users > 0.
          key_events / sessions per active user-day over [D-29, D].
          completion(a, b) = min(1, completed / started) over [a, b] (NaN without starts);
          rate 90d, abandonment = 1 - rate, change = completion(30d) - completion(D-89, D-30).
support   support_missing = 0 (the file exists); per ticket opened on or before D: age = D - opened,
          closed by D when closed_at <= D. tickets_30d/90d (age < 30/90), per seat, open tickets,
          oldest open age (0 when none), share of high/urgent among age < 90 (0 when none),
          SLA breaches and escalations among age < 90 closed by D, mean CSAT of age < 180 closed
          by D, mean days to resolve of tickets closed within (D-90, D].
nps       nps_missing = no response on or before D. last score, days since it, mean /
          detractor share (<= 6) / promoter share (>= 9) over age < 180, responses with age < 365,
          last score minus the one before (by date, then file order).

Scoring: NaN -> the model's imputation value; eta = b + sum_j w_j (x_j - mean_j) / scale_j;
the calibration of the model file (isotonic: linear interpolation between knots, kept within
[0.001, 0.999]; Platt: sigmoid(-(a eta + b)); beta: sigmoid(a ln s - b ln(1 - s) + c), s = sigmoid(eta);
the last two, and none, squeezed into [1e-6, 1 - 1e-6]).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

FEATURES_USAGE = [
    "usage_missing", "active_user_ratio_7d", "active_user_ratio_30d", "active_user_ratio_90d", "usage_trend_90d",
    "active_users_30d_over_90d", "days_since_last_activity", "key_events_per_active_user_30d",
    "sessions_per_active_user_30d", "workflow_completion_rate_90d", "workflow_abandonment_rate_90d",
    "workflow_completion_change_90d",
]


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--signals", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--features-out", help="also write the feature table (for checking against `vitals features`)")
    return parser.parse_args()


def signal_file(directory, name):
    """The path of signal file `name` (e.g. usage.csv) in `directory`: NAME.csv, else NAME.csv.gz.

    The benchmark's books come in four forms (LF, CRLF, all-quoted CRLF, gzip). Each library
    reads the first three as they are; for gzip each is handed the .csv.gz file itself and
    decompresses it as its read_csv does by default (pandas: compression="infer" from the
    name; DuckDB: compression "auto" from the name; polars: read_csv decompresses gzip in memory)."""
    path = os.path.join(directory, name)
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        return path + ".gz"
    return path


def day_number(text):
    """YYYY-MM-DD -> days since 1970-01-01."""
    return int(np.datetime64(text, "D").astype(np.int64))


def load_model(path):
    with open(path) as f:
        model = json.load(f)
    signals = model["signals"]
    families = signals["layout"]["families"]
    if set(families) - {"account", "usage", "support", "nps"}:
        sys.exit(f"{path}: the reference pipelines compute the account, usage, support and nps families only, not {families}")
    return model


class Stopwatch:
    """Wall-clock seconds per stage, in the order run."""

    def __init__(self):
        self.stages = {}
        self._start = time.perf_counter()

    def lap(self, stage):
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - self._start
        self._start = now


def score(model, x):
    """Calibrated probabilities for the raw feature matrix x (rows x features, NaN where missing)."""
    signals, fitted = model["signals"], model["model"]
    fill = np.asarray(signals["imputer"]["values"], dtype=np.float64)
    x = np.where(np.isnan(x), fill, x)
    w = np.asarray(fitted["coefficients"]) / np.asarray(fitted["scales"])
    eta = x @ w + (fitted["intercept"] - float(w @ np.asarray(fitted["means"])))
    return calibrate(fitted["calibration"], eta)


# Every calibrated probability but an isotonic one is squeezed into [floor, 1 - floor] by
# p -> floor + (1 - 2 floor) p, as Vitals does (ProbabilityCalibration.floor).
FLOOR = 1e-6
# Beta calibration clips the log-odds at logit(1 - eps) before taking ln s and -ln(1 - s).
BETA_ETA_LIMIT = float(np.log((1 - np.finfo(float).eps) / np.finfo(float).eps))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def calibrate(calibration, eta):
    method = calibration["method"]
    if method == "isotonic":
        knots = np.asarray(calibration["isotonic"]["knots"])
        values = np.asarray(calibration["isotonic"]["values"])
        return np.clip(np.interp(eta, knots, values), 0.001, 0.999)
    if method == "platt":
        a, b = calibration["platt"]["a"], calibration["platt"]["b"]
        p = 1 / (1 + np.exp(a * eta + b))
    elif method == "beta":
        # logit p = a ln s - b ln(1 - s) + c with s = sigmoid(eta)
        a, b, c = (calibration["beta"][k] for k in "abc")
        e = np.clip(eta, -BETA_ETA_LIMIT, BETA_ETA_LIMIT)
        p = sigmoid(a * -np.logaddexp(0, -e) + b * np.logaddexp(0, e) + c)
    else:
        p = sigmoid(eta)
    return FLOOR + (1 - 2 * FLOOR) * p


def next_anniversary(anchor_month, anchor_day, d_year, d_month, d_day):
    """Vectorized: the year of the first anniversary of (anchor_month, anchor_day) strictly after D."""
    after = (anchor_month > d_month) | ((anchor_month == d_month) & (anchor_day > d_day))
    return np.where(after, d_year, d_year + 1)


def report(stopwatch, rows, versions):
    print(json.dumps({"stages": stopwatch.stages, "rows": int(rows), "versions": versions}), flush=True)
