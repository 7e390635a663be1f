#!/bin/sh
# Debian 12: a flat apt repository of the host's .deb files, Puppet 7 and stdlib from Debian.
set -eu
export DEBIAN_FRONTEND=noninteractive
ls /cairn/packaging/target/cairn-*.deb >/dev/null 2>&1 || {
  echo "no packages in packaging/target: run 'mvn -B -DskipTests package' on the host, then 'vagrant provision'" >&2
  exit 1
}
apt-get update -qq
apt-get install -y -qq --no-install-recommends apt-utils puppet puppet-module-puppetlabs-stdlib
rm -rf /srv/cairn-repo && mkdir -p /srv/cairn-repo
cp /cairn/packaging/target/cairn-*.deb /srv/cairn-repo/
(cd /srv/cairn-repo && apt-ftparchive packages . > Packages)
echo 'deb [trusted=yes] file:/srv/cairn-repo ./' > /etc/apt/sources.list.d/cairn-local.list
apt-get update -qq
mkdir -p /etc/puppet/modules
ln -sfn /usr/share/puppet/modules/stdlib /etc/puppet/modules/stdlib
