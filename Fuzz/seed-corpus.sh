#!/usr/bin/env bash
# Writes libFuzzer seeds into $1 from every CSV under Tests/Fixtures (the bad-input corpus and
# the valid signals), each prefixed with the two selector bytes SignalsFuzzTarget reads:
# the file (its index in SignalsFile.allCases) and a parallel chunk size.
set -euo pipefail
out="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
files=(accounts usage tickets nps projects timesheets milestones change_orders)
n=0
while IFS= read -r -d '' csv; do
    name="$(basename "$csv" .csv)"
    for k in "${!files[@]}"; do
        if [ "${files[$k]}" = "$name" ]; then
            size=$(stat -c %s "$csv")
            [ "$size" -gt 65536 ] && continue   # the 10 MB field case: libFuzzer cuts inputs at -max_len anyway
            for chunk in 0 7; do
                { printf "\\x$(printf %02x "$k")\\x$(printf %02x "$chunk")"; cat "$csv"; } > "$out/seed-$n"
                n=$((n + 1))
            done
        fi
    done
done < <(find "$root/Tests/Fixtures/bad" "$root/Tests/Fixtures/signals" -name '*.csv' -print0 | sort -z)
echo "$n seeds in $out"
