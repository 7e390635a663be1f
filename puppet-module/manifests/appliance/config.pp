# @summary Writes /etc/cairn/appliance.yaml and the unit's environment file.
# @api private
class cairn::appliance::config {
  assert_private()

  # The secret must not reach logs, reports or diffs: the whole file is Sensitive when it holds one.
  $secret = $cairn::appliance::s3_secret_key ? {
    undef   => undef,
    default => $cairn::appliance::s3_secret_key.unwrap,
  }
  $content = epp('cairn/appliance.yaml.epp', {
      'external_labels'   => $cairn::appliance::external_labels,
      'data_dir'          => $cairn::appliance::data_dir,
      'http_listen'       => $cairn::appliance::http_listen,
      'grpc_listen'       => $cairn::appliance::grpc_listen,
      'agents_listen'     => $cairn::appliance::agents_listen,
      'heartbeat_timeout' => $cairn::appliance::heartbeat_timeout,
      'bucket_type'       => $cairn::appliance::bucket_type,
      'bucket_dir'        => $cairn::appliance::bucket_dir,
      's3'                => $cairn::appliance::s3,
      's3_secret_key'     => $secret,
      'replica_labels'    => $cairn::appliance::replica_labels,
      'compact_enabled'   => $cairn::appliance::compact_enabled,
      'retention_raw'     => $cairn::appliance::retention_raw,
      'retention_5m'      => $cairn::appliance::retention_5m,
      'retention_1h'      => $cairn::appliance::retention_1h,
      'log_level'         => $cairn::appliance::log_level,
      'enrollment_token_file'      => $cairn::appliance::enrollment_tokens ? {
        undef   => undef,
        default => $cairn::appliance::enrollment_token_file,
      },
      'agent_certificate_lifetime' => $cairn::appliance::agent_certificate_lifetime,
  })

  $file_content = $secret ? {
    undef   => $content,
    default => Sensitive($content),
  }

  file { $cairn::appliance::config_file:
    ensure  => file,
    owner   => 'root',
    group   => 'cairn',
    mode    => '0640',
    content => $file_content,
  }

  # The agents' bootstrap tokens, one a line; the appliance reads the file at each enrollment, so a change
  # needs no restart. Sensitive: never in logs, reports or diffs.
  if $cairn::appliance::enrollment_tokens {
    file { $cairn::appliance::enrollment_token_file:
      ensure    => file,
      owner     => 'root',
      group     => 'cairn',
      mode      => '0640',
      content   => Sensitive("${cairn::appliance::enrollment_tokens.unwrap.join("\n")}\n"),
      show_diff => false,
    }
  }

  file { $cairn::appliance::env_file:
    ensure  => file,
    owner   => 'root',
    group   => 'root',
    mode    => '0644',
    content => epp('cairn/env.epp', {
        'service'   => 'cairn-appliance',
        'java_opts' => $cairn::appliance::java_opts,
        'opts_var'  => 'CAIRN_APPLIANCE_OPTS',
    }),
  }
}
