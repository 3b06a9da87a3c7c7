#!/usr/bin/env bash
# Runs one vitals binary through every command on a fixed simulated book and the Telco table,
# and keeps everything it writes (files, standard output, warnings) in OUT, so two builds can be
# compared byte for byte (Tools/compare-behaviour.sh). Usage: behaviour-snapshot.sh VITALS_BIN OUT
set -euo pipefail
BIN=$(realpath "$1")
OUT=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$OUT"
mkdir -p "$OUT"
cd "$OUT"
# Standard output and standard error of each step, with wall-clock timings and progress left out
# (--quiet keeps warnings and errors only).
run() { local name=$1; shift; "$BIN" "$@" >"stdout/$name.txt" 2>"stderr/$name.txt" || echo "exit $?" >>"stdout/$name.txt"; }
mkdir -p stdout stderr files
B=book
run simulate simulate --out $B/signals --truth $B/truth --accounts 1200 --months 24 --seed 7
run validate validate $B/signals
run features-list features --list
run features-churn features $B/signals --task churn --as-of 2025-06-30 --out files/features-churn.csv -q
run features-overrun features $B/signals --task overrun --from 2025-01-01 --to 2025-03-31 --labelled-only --out files/features-overrun.csv -q
run train-churn train $B/signals --config "$ROOT/Training/churn.yaml" --until 2025-06-30 --out files/models/churn.json -q
run train-overrun train $B/signals --config "$ROOT/Training/overrun.yaml" --until 2025-06-30 --out files/models/overrun.json -q
run train-churn-defaults train $B/signals --task churn --until 2025-03-31 --out files/models/churn-defaults.json -q
M=files/models
for task in churn overrun; do
  run evaluate-$task evaluate $B/signals --model $M/$task.json --from 2025-07-01 --report files/reports/$task.html -q
  run evaluate-$task-json evaluate $B/signals --model $M/$task.json --from 2025-07-01 --json --capacity 25 -q
  run score-$task-previous score $B/signals --model $M/$task.json --out files/scores --as-of 2025-11-30 -q
  run score-$task score $B/signals --model $M/$task.json --out files/scores -q
  run score-$task-nohistory score $B/signals --model $M/$task.json --out files/scores-nohistory --as-of 2025-10-31 --no-history -q
done
run markov markov $B/signals -q
run markov-json markov $B/signals --as-of 2025-09-30 --json -q
run markov-segment markov $B/signals --segment SMB -q
H=files/scores/history.sqlite
for fmt in table csv json; do
  run at-risk-$fmt at-risk $B/signals --model $M/churn.json --history $H --top 15 --format $fmt -q
  run projects-$fmt projects $B/signals --model $M/overrun.json --top 15 --format $fmt -q
done
run at-risk-wide at-risk $B/signals --model $M/churn.json --history $H --top 15 --width 120 -q
run at-risk-change at-risk $B/signals --model $M/churn.json --history $H --top 10 --sort change --format csv -q
run at-risk-arr at-risk $B/signals --model $M/churn.json --history $H --top 10 --sort arr-at-risk --segment smb -q
run at-risk-asof at-risk $B/signals --model $M/churn.json --as-of 2025-10-31 --top 10 --format json -q
run projects-wide projects $B/signals --model $M/overrun.json --top 10 --width 120 -q
run alerts-churn alerts $B/signals --model $M/churn.json --history $H --out files/alerts-churn.jsonl -q
run alerts-overrun alerts $B/signals --model $M/overrun.json --history $H -q
# Explain the top three accounts and projects of the lists, as tables and JSON.
for id in $(awk -F, 'NR>1 && NR<=4 {print $2}' stdout/at-risk-csv.txt); do
  run explain-$id explain $B/signals --model $M/churn.json --account "$id" --history $H -q
  run explain-$id-json explain $B/signals --model $M/churn.json --account "$id" --since 2025-08-31 --format json -q
  run history-$id history --history $H --account "$id"
  run history-$id-csv history --history $H --account "$id" --format csv
done
for id in $(awk -F, 'NR>1 && NR<=3 {print $2}' stdout/projects-csv.txt); do
  run explain-$id explain $B/signals --model $M/overrun.json --project "$id" --width 120 -q
  run history-$id-json history --history $H --project "$id" --format json
done
# The history's content, row by row (the file's bytes depend on SQLite's page layout).
python3 - "$H" > files/history-dump.txt <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for table in ("runs", "scores"):
    for row in db.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
        print(table, row)
PY
rm -f "$H"
# A data team's table: the Telco file, first 5,000 rows to train, the rest to score and evaluate.
T="$ROOT/Tests/Fixtures/real/telco-customer-churn.csv"
mkdir -p table
head -n 5001 "$T" > table/train.csv
{ head -n 1 "$T"; tail -n +5002 "$T"; } > table/test.csv
run table-train train --table table/train.csv --label Churn --id customerID --out files/models/table.json -q
run table-score score --model files/models/table.json --table table/test.csv --out files/table-scores -q
run table-evaluate evaluate --model files/models/table.json --table table/test.csv --json -q
run table-evaluate-report evaluate --model files/models/table.json --table table/test.csv --report files/reports/table.html -q
K="$ROOT/Tests/Fixtures/real/kitchenham-signals"
run kitchenham-train train "$K" --config "$ROOT/Training/overrun.yaml" --out files/models/kitchenham.json -q
# Bad use: the messages and exit codes.
run bad-model score $B/signals --model "$ROOT/Training/churn.yaml" --out files/never -q
run wrong-task at-risk $B/signals --model $M/overrun.json -q
run table-as-signals score $B/signals --model files/models/table.json --out files/never -q
run bad-config train $B/signals --config "$ROOT/README.md" --out files/never.json -q
rm -rf table
# Wall-clock lines vary from run to run.
sed -i '/^built in [0-9.]* s$/d' stdout/features-*.txt
# The book itself is an input, not an output.
rm -rf $B
echo "snapshot in $OUT: $(find . -type f | wc -l) files"
