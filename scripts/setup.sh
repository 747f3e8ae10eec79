#!/usr/bin/env bash
# One-time set-up of a fresh Debian machine for seer, used by the README's quickstart and by
# .ci/run alike: installs the system packages below (the only list of them), then `npm ci`, which
# builds the tensor engine against libtorch. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# The system packages seer needs, and why:
#   libtorch-dev          the tensor engine (native/ links libtorch 1.13, CPU)
#   libopenblas0-pthread  an optimised BLAS for libtorch's GEMMs. Without it, libtorch-dev installed
#                         with --no-install-recommends runs on the reference netlib BLAS: a training step ran 22× slower
#                         (measured: docs/engine.md); `seer doctor` checks which one the engine got
#   chromium              the human-eval app's end-to-end browser test (playwright-core drives it)
#   python3-torch         the same libtorch build in Python: PyTorch references for `seer bench
#                         --reference` and the GRPO cross-check tests
SEER_SYSTEM_PACKAGES=(libtorch-dev libopenblas0-pthread chromium python3-torch)

missing=()
for p in "${SEER_SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  echo "seer setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# onnxruntime-node (under @huggingface/transformers) would fetch CUDA binaries from outside the npm
# registry in its install step on npm < 11 (npm 11 skips dependency install scripts not listed in
# package.json's allowScripts). Its CPU build ships inside the npm package.
export ONNXRUNTIME_NODE_INSTALL=skip
npm ci
