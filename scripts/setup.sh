#!/usr/bin/env bash
# Install every Debian package that building and testing cflux needs.
# Safe to run again: it installs only what is missing.
set -euo pipefail

pkgs=(
  # build
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev
  libssl-dev libsqlite3-dev libyaml-dev libevent-dev libcurl4-openssl-dev
  libpcre2-dev zlib1g-dev libarchive-dev nettle-dev
  # tests and benchmarks: real servers and clients started on 127.0.0.1
  git openssl curl python3 jq wrk sqlite3 bc time
  lighttpd lighttpd-mod-openssl fcgiwrap openssh-server openssh-client
  gnupg tinyproxy
  python3-cryptography # the GitHub API stand-in checks RS256 JWTs
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# kubectl v1.32 is the reference client; it is part of the machine image.
if ! command -v kubectl >/dev/null; then
  echo "setup: warning: kubectl not found; the integration tests need it" >&2
fi
echo "setup: ok"
