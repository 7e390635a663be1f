#!/bin/sh
# Installs what building and testing Cairn needs on Debian/Ubuntu, only what is missing.
# Real peers (Debian's prometheus + promtool) are required by the tests: they fail loudly without them.
set -e
need=""
command -v java >/dev/null 2>&1 || need="$need openjdk-17-jdk-headless"
command -v mvn >/dev/null 2>&1 || need="$need maven"
command -v promtool >/dev/null 2>&1 || need="$need prometheus"
if [ -n "$need" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing:$need -- run as root or install them: sudo apt-get install$need" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need
fi
