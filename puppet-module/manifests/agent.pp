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
# @param appliance_url Agents' HTTPS endpoint of the appliance; undef keeps data queued locally.
# @param enrollment_token One-time token for the first enrollment; kept out of logs and reports.
# @param external_labels Labels that identify this Prometheus in the global view.
# @param heartbeat_interval How often the agent reports to the appliance.
# @param relay_enabled Whether the remote-write relay runs.
# @param relay_listen Where the relay listens for the local Prometheus.
# @param queue_max_size Disk budget of the relay's queue.
# @param sidecar_enabled Whether the sidecar (StoreAPI and block upload) runs.
# @param prometheus_url The local Prometheus (remote read).
# @param prometheus_data_dir The local Prometheus's TSDB directory (block upload).
# @param grpc_listen StoreAPI listen address of the sidecar.
# @param http_listen Address of /metrics and the health endpoints.
# @param log_level Log level.
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
  Boolean $relay_enabled,
  Cairn::HostPort $relay_listen,
  Cairn::Size $queue_max_size,
  Boolean $sidecar_enabled,
  Stdlib::HTTPUrl $prometheus_url,
  Stdlib::Absolutepath $prometheus_data_dir,
  Cairn::HostPort $grpc_listen,
  Cairn::HostPort $http_listen,
  Cairn::LogLevel $log_level,
  String $java_opts,
  Boolean $manage_service,
  Stdlib::Ensure::Service $service_ensure,
  Boolean $service_enable,
  Optional[Stdlib::HTTPSUrl] $appliance_url = undef,
  Optional[Sensitive[String[1]]] $enrollment_token = undef,
) {
  contain cairn::agent::install
  contain cairn::agent::config
  contain cairn::agent::service

  Class['cairn::agent::install']
  -> Class['cairn::agent::config']
  ~> Class['cairn::agent::service']
}
