#!/bin/sh
# Rocky Linux 9: a yum repository of the host's .rpm files, Puppet 7 from yum.puppet.com, stdlib from the Forge.
set -eu
ls /cairn/packaging/target/rpm/*/RPMS/noarch/cairn-*.rpm >/dev/null 2>&1 || {
  echo "no packages in packaging/target/rpm: run 'mvn -B -DskipTests package' on the host, then 'vagrant provision'" >&2
  exit 1
}
dnf install -y -q createrepo_c
rpm -q puppet7-release >/dev/null 2>&1 || dnf install -y -q https://yum.puppet.com/puppet7-release-el-9.noarch.rpm
dnf install -y -q puppet-agent
rm -rf /srv/cairn-repo && mkdir -p /srv/cairn-repo
cp /cairn/packaging/target/rpm/*/RPMS/noarch/cairn-*.rpm /srv/cairn-repo/
createrepo_c -q /srv/cairn-repo
cat > /etc/yum.repos.d/cairn-local.repo <<'REPO'
[cairn-local]
name=Cairn packages built on the Vagrant host
baseurl=file:///srv/cairn-repo
enabled=1
gpgcheck=0
metadata_expire=0
REPO
mkdir -p /etc/puppet/modules
[ -d /etc/puppet/modules/stdlib ] || /opt/puppetlabs/bin/puppet module install puppetlabs-stdlib --version 8.5.0 --target-dir /etc/puppet/modules
