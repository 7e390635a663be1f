# @summary Writes /etc/cairn/agent.yaml and the unit's environment file.
# @api private
class cairn::agent::config {
  assert_private()

  # The token must not reach logs, reports or diffs: the whole file is Sensitive when it holds one.
  $token = $cairn::agent::enrollment_token ? {
    undef   => undef,
    default => $cairn::agent::enrollment_token.unwrap,
  }
  $content = epp('cairn/agent.yaml.epp', {
      'appliance_url'         => $cairn::agent::appliance_url,
      'appliance_insecure'    => $cairn::agent::appliance_insecure,
      'appliance_tls'         => $cairn::agent::appliance_tls,
      'enrollment_token'      => $token,
      'appliance_ca_file'     => $cairn::agent::appliance_ca_file,
      'appliance_ca_sha256'   => $cairn::agent::appliance_ca_sha256,
      'heartbeat_interval'    => $cairn::agent::heartbeat_interval,
      'external_labels'       => $cairn::agent::external_labels,
      'data_dir'              => $cairn::agent::data_dir,
      'relay_listen'          => $cairn::agent::relay_listen,
      'relay_max_queue_bytes' => $cairn::agent::relay_max_queue_bytes,
      'relay_queue_config'    => $cairn::agent::relay_queue_config,
      'mode'                  => $cairn::agent::mode,
      'prometheus_url'        => $cairn::agent::prometheus_url,
      'prometheus_data_dir'   => $cairn::agent::prometheus_data_dir,
      'grpc_listen'           => $cairn::agent::grpc_listen,
      'http_listen'           => $cairn::agent::http_listen,
      'log_level'             => $cairn::agent::log_level,
  })

  $file_content = $token ? {
    undef   => $content,
    default => Sensitive($content),
  }

  file { $cairn::agent::config_file:
    ensure  => file,
    owner   => 'root',
    group   => 'cairn',
    mode    => '0640',
    content => $file_content,
  }

  file { $cairn::agent::env_file:
    ensure  => file,
    owner   => 'root',
    group   => 'root',
    mode    => '0644',
    content => epp('cairn/env.epp', {
        'service'   => 'cairn-agent',
        'java_opts' => $cairn::agent::java_opts,
        'opts_var'  => 'CAIRN_AGENT_OPTS',
    }),
  }
}
