#!/usr/bin/env bash
# Installs Debian's dataset-fashion-mnist (the original IDX files, about 31 MB, into
# /usr/share/datasets/fashion-mnist) when it is missing. Needs root (apt-get), as the bench's peer does.
# Exits 0 when the files are there; otherwise prints one line saying why not and exits 1.
set -uo pipefail
package=dataset-fashion-mnist
if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" == "install ok installed" ]]; then
  exit 0
fi
command -v apt-get >/dev/null || { echo "apt-get not found; install $package by hand"; exit 1; }
[[ "$(id -u)" == 0 ]] || { echo "not root; run: apt-get install $package"; exit 1; }
echo "installing $package (31 MB)..." >&2
log="$(mktemp)"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package"; } >"$log" 2>&1; then
  tail -5 "$log" >&2
  rm -f "$log"
  echo "apt-get install $package failed"
  exit 1
fi
rm -f "$log"
