#!/bin/sh
# The appliance VM: Grafana (from Grafana's apt repository) on the Cairn data source with the Cairn
# dashboards, and a meta-monitoring Prometheus that scrapes Cairn and evaluates the Cairn alerting rules.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends gpg wget ca-certificates prometheus
if [ ! -f /etc/apt/keyrings/grafana.gpg ]; then
  mkdir -p /etc/apt/keyrings
  wget -qO- https://apt.grafana.com/gpg.key | gpg --dearmor > /etc/apt/keyrings/grafana.gpg
  echo 'deb [signed-by=/etc/apt/keyrings/grafana.gpg] https://apt.grafana.com stable main' > /etc/apt/sources.list.d/grafana.list
  apt-get update -qq
fi
apt-get install -y -qq grafana

cat > /etc/prometheus/prometheus.yml <<YML
global:
  scrape_interval: 15s
rule_files:
  - /cairn/monitoring/rules/cairn.yml
scrape_configs:
  - job_name: cairn-appliance
    static_configs: [{targets: ['127.0.0.1:10902']}]
  - job_name: cairn-agent
    static_configs: [{targets: ['192.168.56.11:10902', '192.168.56.12:10902']}]
YML
# Meta-monitoring on 9091: 9090 stays free, and Cairn must not watch itself.
sed -i 's/^ARGS=.*/ARGS="--web.listen-address=:9091"/' /etc/default/prometheus
systemctl restart prometheus

cat > /etc/grafana/provisioning/datasources/cairn.yaml <<YML
apiVersion: 1
datasources:
  - name: Cairn
    type: prometheus
    access: proxy
    url: http://127.0.0.1:10902
    isDefault: true
  - name: Meta-monitoring
    type: prometheus
    access: proxy
    url: http://127.0.0.1:9091
YML
cat > /etc/grafana/provisioning/dashboards/cairn.yaml <<YML
apiVersion: 1
providers:
  - name: cairn
    folder: Cairn
    type: file
    options:
      path: /cairn/monitoring/dashboards
YML
systemctl enable grafana-server
systemctl restart grafana-server
