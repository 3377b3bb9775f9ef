#!/usr/bin/env bash
# Installs everything ftl2 needs on a fresh Debian machine with Node and npm, then builds dist/ftl2.
# System packages (real sshd for tests, ansible-core as the oracle and module source, ansible-runner as the
# worker's peer, mitogen as a speed anchor) are installed only when missing, and only as root.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(openssh-server ansible-core python3-ansible-runner ansible-mitogen time sudo iproute2 procps)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages ${missing[*]} (run as root, or install them); continuing" >&2
  fi
fi

# ssh2's optional native addon (cpu-features) does not build here; ssh2 falls back to pure JS.
# --ignore-scripts also means node_modules/.bin/bun is a placeholder: scripts/with-bun.mjs finds the real one.
if [ ! -x node_modules/@oven/bun-linux-x64/bin/bun ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
fi
npm run --silent build >&2
