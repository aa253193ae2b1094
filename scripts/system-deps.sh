#!/usr/bin/env bash
# Install the Debian packages the project needs (root), or say exactly what to install (not root).
# Usage: scripts/system-deps.sh PACKAGE:COMMAND [PACKAGE:COMMAND ...]
set -euo pipefail
missing=()
for pair in "$@"; do
  package=${pair%%:*}
  command=${pair#*:}
  command -v "$command" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them, then run make again:  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
