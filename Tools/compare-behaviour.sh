#!/usr/bin/env bash
# Shows that a change leaves behaviour as it was: builds BASE (a git revision, default the
# merge base with origin/main, else HEAD~1) in a worktree and the working tree as it is, runs
# Tools/behaviour-snapshot.sh with each release binary, and compares every output byte for byte.
# Exit 0 when every file is identical. Usage: Tools/compare-behaviour.sh [BASE] [--normalize-model-ids]
#
# --normalize-model-ids is for a change that deliberately alters what a model file records
# (its figures, say) and with it every model id: ids (`churn-<16 hex>`) are replaced by one
# placeholder everywhere, and model files are compared without their `metrics`, so what is
# left to differ is everything else.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BASE=${1:-HEAD~1}
NORMALIZE=${2:-}
WORK=$ROOT/.build-compare
REV=$(git rev-parse --verify "$BASE^{commit}")
mkdir -p "$WORK"
if [ ! -x "$WORK/base-$REV/.build/release/vitals" ]; then
  rm -rf "$WORK/base-$REV"
  git worktree prune
  git worktree add --detach "$WORK/base-$REV" "$REV" >/dev/null
  echo "==> building $BASE ($REV) in $WORK/base-$REV"
  swift build -c release --product vitals --package-path "$WORK/base-$REV" 2>&1 | tail -1
fi
echo "==> building the working tree"
swift build -c release --product vitals 2>&1 | tail -1
echo "==> snapshot of $BASE"
Tools/behaviour-snapshot.sh "$WORK/base-$REV/.build/release/vitals" "$WORK/before"
echo "==> snapshot of the working tree"
Tools/behaviour-snapshot.sh "$ROOT/.build/release/vitals" "$WORK/after"
cd "$WORK"
if [ "$NORMALIZE" = "--normalize-model-ids" ]; then
  for side in before after; do
    python3 - "$side" <<'PY'
import json, os, re, sys
ids = re.compile(rb"\b(churn|overrun|table)-[0-9a-f]{16}\b")
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        path = os.path.join(folder, name)
        data = open(path, "rb").read()
        if "/models/" in path and name.endswith(".json"):
            model = json.loads(data)
            model.pop("metrics", None)
            data = json.dumps(model, sort_keys=True, indent=1).encode()
        open(path, "wb").write(ids.sub(b"<model-id>", data))
PY
  done
  echo "(model ids replaced by <model-id>; model files compared without their metrics)"
fi
status=0
count=0
while IFS= read -r file; do
  count=$((count + 1))
  if [ ! -f "after/$file" ]; then echo "only before: $file"; status=1
  elif ! cmp -s "before/$file" "after/$file"; then echo "differs: $file ($(cmp "before/$file" "after/$file" | head -1))"; status=1; fi
done < <(cd before && find . -type f | sort)
while IFS= read -r file; do
  [ -f "before/$file" ] || { echo "only after: $file"; status=1; }
done < <(cd after && find . -type f | sort)
[ $status = 0 ] && echo "identical: all $count files (before: $BASE $REV, after: the working tree)"
exit $status
