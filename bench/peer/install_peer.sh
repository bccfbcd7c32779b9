#!/usr/bin/env bash
# Installs the Debian packages that torch_peer.py needs, when any is missing.
# Always exits 0: when the peer cannot be installed it prints one line starting with
# "peer unavailable:" so that `bale bench` reports the peer as absent rather than as zero.
# Needs root (apt-get); the packages come from Debian, as PyPI is not reachable.
set -uo pipefail

packages=(python3-torch python3-torchvision python3-opencv python3-lmdb python3-pil python3-numpy)
python=/usr/bin/python3

unavailable() {
  echo "peer unavailable: $*"
  exit 0
}

missing=()
for package in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done

if (( ${#missing[@]} > 0 )); then
  command -v apt-get >/dev/null || unavailable "apt-get not found; install ${missing[*]} by hand"
  if [[ "$(id -u)" != 0 ]]; then
    unavailable "not root; run: apt-get install ${missing[*]}"
  fi
  echo "installing ${missing[*]} (several hundred MB on first install)..." >&2
  log="$(mktemp)"
  # noninteractive: no debconf questions in a scripted run.
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -5 "$log" >&2
    rm -f "$log"
    unavailable "apt-get install ${missing[*]} failed"
  fi
  rm -f "$log"
fi

# The packages can be installed yet unusable (a broken numpy ABI, say): import them to be sure.
if ! versions="$("$python" -c 'import torch, torchvision, cv2, lmdb, PIL, numpy
print("torch", torch.__version__, "torchvision", torchvision.__version__, "cv2", cv2.__version__,
      "PIL", PIL.__version__, "numpy", numpy.__version__, "lmdb", lmdb.__version__)' 2>&1)"; then
  unavailable "$(tail -1 <<<"$versions")"
fi
echo "peer ready: $versions"
