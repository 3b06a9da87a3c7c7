#!/bin/sh
# Tools/sql/selfcheck.sh [ENGINES]: checks sqlrun.py on DuckDB, PostgreSQL and Spark (ENGINES is a
# comma-separated subset; default all three). Run from anywhere; it works in the repository root.
#
# Makes what it needs first: the venvs (make sql-venv / spark-venv), PostgreSQL (make
# postgres-deps) and the vitals binary (a debug build, unless VITALS names one). Then simulates a
# book (SELFCHECK_ACCOUNTS accounts, default 300, seed 5) into a temporary directory, and
# selfcheck.py runs the same queries on every engine and compares the results with each other and
# with figures computed without SQL (see selfcheck.py). Exit status 0 when all agree.
set -eu
cd "$(dirname "$0")/../.."

engines=${1:-duckdb,postgres,spark}
accounts=${SELFCHECK_ACCOUNTS:-300}
vitals=${VITALS:-.build/debug/vitals}

case ",$engines," in *,duckdb,*|*,postgres,*) make --no-print-directory sql-venv ;; esac
case ",$engines," in *,postgres,*) make --no-print-directory postgres-deps ;; esac
case ",$engines," in *,spark,*) make --no-print-directory spark-venv ;; esac
if [ ! -x "$vitals" ]; then
	make --no-print-directory deps
	${SWIFT:-swift} build --product vitals
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sql-selfcheck.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
"$vitals" simulate --out "$work/book" --accounts "$accounts" --seed 5 > /dev/null
python3 Tools/sql/selfcheck.py --book "$work/book" --work "$work" --engines "$engines"
