#!/bin/sh
# Installs what building and testing Cairn needs on Debian/Ubuntu, only what is missing.
# Real peers (Debian's prometheus + promtool; chromium + chromium-driver for the status UI tests) and the
# packaging checkers (lintian, rpmlint, systemd-analyze, puppet-lint, rspec-puppet, vagrant) are required by
# the tests: they fail loudly without them.
# debootstrap and systemd-container (systemd-nspawn): NspawnSystemTest boots a Debian 12 root with them, as root.
set -e
need=""
# Tools that may come from outside apt (a JDK or Maven unpacked by hand): look for the command.
command -v java >/dev/null 2>&1 || need="$need openjdk-17-jdk-headless"
command -v mvn >/dev/null 2>&1 || need="$need maven"
# Everything else: ask dpkg, since several packages (rspec-puppet, facterdb, stdlib) have no command of their own.
for p in prometheus lintian rpm rpmlint \
         puppet puppet-lint ruby-rspec-puppet ruby-puppetlabs-spec-helper ruby-rspec-puppet-facts facterdb \
         metadata-json-lint puppet-module-puppetlabs-stdlib rake \
         vagrant systemd systemd-container debootstrap chromium chromium-driver; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need="$need $p"
done
if [ -n "$need" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing:$need -- run as root or install them: sudo apt-get install$need" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need
fi
