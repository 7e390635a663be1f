# @summary Installs, configures and runs the Cairn appliance (receive, query, store, compactor, CA).
#
# The package (cairn-appliance) owns the program, the system user `cairn` and the systemd unit; this
# class owns /etc/cairn/appliance.yaml, the environment file and the service state.
# Order: package, then config, then service; a config change restarts the service.
# Defaults live in the module's Hiera data (data/common.yaml); override them in your own Hiera.
#
# @example The embedded filesystem bucket (the default)
#   include cairn::appliance
#
# @example An S3-compatible bucket shared by two appliances
#   class { 'cairn::appliance':
#     bucket_type      => 's3',
#     s3               => { 'endpoint' => 'https://s3.example.org', 'bucket' => 'metrics', 'access_key' => 'cairn' },
#     s3_secret_key    => Sensitive(lookup('cairn_s3_secret')),
#     external_labels  => { 'receive_replica' => $facts['networking']['hostname'] },
#   }
#
# @param package_name The package to install.
# @param package_ensure `installed`, `latest`, or a version.
# @param config_file Path of the YAML configuration written from templates/appliance.yaml.epp.
# @param env_file Environment file of the unit (/etc/default or /etc/sysconfig, by OS family).
# @param data_dir All state of the appliance (WAL, local blocks, caches, CA).
# @param external_labels Labels of the blocks this appliance writes.
# @param http_listen Prometheus HTTP API (Grafana), UI and /metrics.
# @param grpc_listen StoreAPI for Thanos queriers and other appliances.
# @param agents_listen HTTPS endpoint for the agents.
# @param heartbeat_timeout After how long without a heartbeat an agent counts as missing.
# @param bucket_type `filesystem` (embedded, on this machine) or `s3`.
# @param bucket_dir Directory of the filesystem bucket.
# @param s3 S3 settings: endpoint, bucket, region, access_key, path_style.
# @param s3_secret_key The S3 secret key; kept out of logs and reports.
# @param replica_labels Labels that tell replicas of an HA pair apart (deduplicated at query time).
# @param compact_enabled Whether this appliance may compact the bucket (one holds the lock at a time).
# @param retention_raw Retention of raw data (0d: for ever).
# @param retention_5m Retention of 5-minute downsampled data.
# @param retention_1h Retention of 1-hour downsampled data.
# @param log_level Log level.
# @param java_opts JVM options written to the environment file (heap: see docs/install.md, sizing).
# @param agent_certificate_lifetime Lifetime of the agents' certificates (pki.agent_certificate_lifetime);
#   agents renew at two thirds of it.
# @param enrollment_token_file Where the bootstrap tokens are written (pki.enrollment_token_file).
# @param enrollment_tokens Bootstrap tokens the agents may enroll with, kept out of logs and reports;
#   undef: no token file, enrollment refused (agents may still use certificates issued otherwise).
# @param manage_service Whether Puppet manages the service state.
# @param service_ensure `running` or `stopped`.
# @param service_enable Whether the service starts at boot.
class cairn::appliance (
  String[1] $package_name,
  String[1] $package_ensure,
  Stdlib::Absolutepath $config_file,
  Stdlib::Absolutepath $env_file,
  Stdlib::Absolutepath $data_dir,
  Hash[String[1], String] $external_labels,
  Cairn::HostPort $http_listen,
  Cairn::HostPort $grpc_listen,
  Cairn::HostPort $agents_listen,
  Cairn::Duration $heartbeat_timeout,
  Enum['filesystem', 's3'] $bucket_type,
  Stdlib::Absolutepath $bucket_dir,
  Struct[{
      Optional[endpoint]   => Stdlib::HTTPUrl,
      Optional[bucket]     => String[1],
      Optional[region]     => String[1],
      Optional[access_key] => String[1],
      Optional[path_style] => Boolean,
  }] $s3,
  Array[String[1]] $replica_labels,
  Boolean $compact_enabled,
  Cairn::Duration $retention_raw,
  Cairn::Duration $retention_5m,
  Cairn::Duration $retention_1h,
  Cairn::LogLevel $log_level,
  String $java_opts,
  Boolean $manage_service,
  Stdlib::Ensure::Service $service_ensure,
  Boolean $service_enable,
  Cairn::Duration $agent_certificate_lifetime,
  Stdlib::Absolutepath $enrollment_token_file,
  Optional[Sensitive[String[1]]] $s3_secret_key = undef,
  Optional[Sensitive[Array[String[1]]]] $enrollment_tokens = undef,
) {
  if $bucket_type == 's3' and !('bucket' in $s3 and 'endpoint' in $s3) {
    fail('cairn::appliance: bucket_type s3 needs s3 => { endpoint => ..., bucket => ... }')
  }

  contain cairn::appliance::install
  contain cairn::appliance::config
  contain cairn::appliance::service

  Class['cairn::appliance::install']
  -> Class['cairn::appliance::config']
  ~> Class['cairn::appliance::service']
}
