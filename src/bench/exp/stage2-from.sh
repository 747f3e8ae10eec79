#!/usr/bin/env bash
# Experiment helper (docs/seer.md): a new `seer run` folder DST that reuses SRC's dataset and Stage 1
# (data/, stage1*/, their step markers and the judge tables of parts/), so that the resumed run
# trains only Stage 2 — with whatever Stage-2 options it is given — and evaluates. Stage 1 is what
# a fresh run with the same seed computes first, so the result is the fresh run's.
#   bash src/bench/exp/stage2-from.sh runs/r17-s0 runs/bo-s0
#   npx seer run --recipe default --out runs/bo-s0 --seed 0 --data-seed 0 --stage2-orders both --resume
set -euo pipefail
src=$1; dst=$2
if [ -e "$dst/steps/stage2.json" ]; then echo "$dst already has a Stage 2" >&2; exit 1; fi
mkdir -p "$dst/steps" "$dst/parts"
cp -r "$src/data" "$src/stage1" "$src/stage1-model" "$dst/"
if [ -d "$src/stage1-phase1-model" ]; then cp -r "$src/stage1-phase1-model" "$dst/"; fi
cp "$src/steps/data.json" "$src/steps/table1-zero-shot.json" "$src/steps/stage1.json" "$src/steps/timings.json" "$dst/steps/"
cp "$src/parts/base.json" "$src/parts/stage1.json" "$dst/parts/"
