# @summary Installs, configures and runs the Cairn agent beside a local Prometheus.
#
# The package (cairn-agent, from your repository) owns the program, the system user `cairn` and the
# systemd unit; this class owns /etc/cairn/agent.yaml, the environment file and the service state.
# Order: package, then config, then service; a config change restarts the service.
# Defaults live in the module's Hiera data (data/common.yaml); override them in your own Hiera.
#
# @example Relay mode (the default): the local Prometheus remote-writes to the agent on 127.0.0.1:19291
#   class { 'cairn::agent':
#     appliance_url    => 'https://cairn.example.org:19291',
#     enrollment_token => Sensitive('one-time-token-from-the-appliance'),
#     external_labels  => { 'dc' => 'fra1', 'prometheus' => $facts['networking']['hostname'] },
#   }
#
# @param package_name The package to install.
# @param package_ensure `installed`, `latest`, or a version.
# @param config_file Path of the YAML configuration written from templates/agent.yaml.epp.
# @param env_file Environment file of the unit (/etc/default or /etc/sysconfig, by OS family).
# @param data_dir All state of the agent (queue, shipper state, certificates).
# @param appliance_url Remote-write URL of the appliance (appliance.url; without a path, /api/v1/write).
#   Required by the agent: while it is undef the agent refuses to start. https, or plain http to a
#   loopback address (an appliance on the same host), or plain http anywhere with `appliance_insecure`.
# @param appliance_insecure Allow plain http to a non-loopback appliance (appliance.insecure): labs only.
# @param appliance_tls Client certificate, key and CA (PEM files) for mutual TLS to the appliance.
# @param enrollment_token One-time token for the first enrollment; kept out of logs and reports.
#   With appliance_ca_file or appliance_ca_sha256 the agent enrolls with it on its first start.
# @param appliance_ca_file The appliance's CA certificate (PEM) the agent trusts for enrollment (appliance.ca_file).
# @param appliance_ca_sha256 Or its SHA-256 pin (appliance.ca_sha256): the CA is fetched and checked against it.
# @param external_labels Labels that identify this Prometheus in the global view (not applied yet).
# @param heartbeat_interval How often the agent reports to the appliance (report.interval).
# @param relay_listen Where the relay listens for the local Prometheus (relay.listen_address).
# @param relay_max_queue_bytes Disk budget of the relay's queue (relay.max_queue_bytes); over it the oldest
#   unsent data is dropped.
# @param relay_queue_config Prometheus's remote_write queue_config knobs (relay.queue_config); a knob left
#   out keeps Prometheus's default.
# @param mode What the agent runs: relay, sidecar (StoreAPI and block upload through the appliance) or
#   relay+sidecar (mode).
# @param prometheus_url The local Prometheus (status API and remote read; sidecar).
# @param prometheus_data_dir The local Prometheus's TSDB directory (block upload; sidecar).
# @param grpc_listen StoreAPI listen address of the sidecar.
# @param http_listen Address of /metrics and the health endpoints when mode is sidecar (with the relay they are
#   on relay_listen).
# @param log_level Log level (not used yet).
# @param java_opts JVM options written to the environment file.
# @param manage_service Whether Puppet manages the service state.
# @param service_ensure `running` or `stopped`.
# @param service_enable Whether the service starts at boot.
class cairn::agent (
  String[1] $package_name,
  String[1] $package_ensure,
  Stdlib::Absolutepath $config_file,
  Stdlib::Absolutepath $env_file,
  Stdlib::Absolutepath $data_dir,
  Hash[String[1], String] $external_labels,
  Cairn::Duration $heartbeat_interval,
  Cairn::HostPort $relay_listen,
  Cairn::Size $relay_max_queue_bytes,
  Cairn::QueueConfig $relay_queue_config,
  Enum['relay', 'sidecar', 'relay+sidecar'] $mode,
  Stdlib::HTTPUrl $prometheus_url,
  Stdlib::Absolutepath $prometheus_data_dir,
  Cairn::HostPort $grpc_listen,
  Cairn::HostPort $http_listen,
  Cairn::LogLevel $log_level,
  String $java_opts,
  Boolean $manage_service,
  Stdlib::Ensure::Service $service_ensure,
  Boolean $service_enable,
  Optional[Stdlib::HTTPUrl] $appliance_url = undef,
  Boolean $appliance_insecure = false,
  Optional[Sensitive[String[1]]] $enrollment_token = undef,
  Optional[Stdlib::Absolutepath] $appliance_ca_file = undef,
  Optional[Pattern[/\A[0-9a-fA-F:]{64,95}\z/]] $appliance_ca_sha256 = undef,
  Optional[Cairn::TlsFiles] $appliance_tls = undef,
) {
  # The agent's own rule, checked here so that the catalog fails rather than the service: metrics go
  # unencrypted over plain http only to this host, unless the admin says otherwise.
  if $appliance_url =~ String and $appliance_url =~ /\A(?i:http):\/\// and !$appliance_insecure
  and $appliance_url !~ /\A(?i:http):\/\/(127\.[0-9.]+|localhost|\[::1\])(:[0-9]+)?(\/.*)?\z/ {
    fail("cairn::agent: appliance_url ${appliance_url} is plain http to another host; use https, or set appliance_insecure => true")
  }

  contain cairn::agent::install
  contain cairn::agent::config
  contain cairn::agent::service

  Class['cairn::agent::install']
  -> Class['cairn::agent::config']
  ~> Class['cairn::agent::service']
}
