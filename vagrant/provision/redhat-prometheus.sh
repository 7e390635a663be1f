#!/bin/sh
# Rocky Linux 9 has no Prometheus package: the upstream 2.53 LTS release, run by its own unit.
set -eu
version=2.53.3
if [ ! -x /usr/local/bin/prometheus ]; then
  cd /tmp
  curl -fsSLO "https://github.com/prometheus/prometheus/releases/download/v${version}/prometheus-${version}.linux-amd64.tar.gz"
  tar xzf "prometheus-${version}.linux-amd64.tar.gz"
  install -m 0755 "prometheus-${version}.linux-amd64/prometheus" "prometheus-${version}.linux-amd64/promtool" /usr/local/bin/
fi
getent passwd prometheus >/dev/null || useradd --system --home-dir /var/lib/prometheus --shell /sbin/nologin prometheus
install -d -o prometheus -g prometheus -m 0755 /var/lib/prometheus /var/lib/prometheus/metrics2
mkdir -p /etc/prometheus
cat > /etc/prometheus/prometheus.yml <<'YML'
global:
  scrape_interval: 15s
scrape_configs:
  - job_name: prometheus
    static_configs: [{targets: ['127.0.0.1:9090']}]
  - job_name: cairn-agent
    static_configs: [{targets: ['127.0.0.1:10902']}]
remote_write:
  - url: http://127.0.0.1:19291/api/v1/write
YML
cat > /etc/systemd/system/prometheus.service <<'UNIT'
[Unit]
Description=Prometheus
After=network-online.target
[Service]
User=prometheus
ExecStart=/usr/local/bin/prometheus --config.file=/etc/prometheus/prometheus.yml --storage.tsdb.path=/var/lib/prometheus/metrics2
Restart=on-failure
[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now prometheus
