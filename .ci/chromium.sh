#!/usr/bin/env bash
# Install Debian's chromium for the report's browser test (tests/report/test_browser.py) if it is missing.
# Idempotent: does nothing when a chromium binary is already on PATH or at /usr/bin/chromium.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  echo "chromium present: $(command -v chromium || echo /usr/bin/chromium)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk
command -v chromium
