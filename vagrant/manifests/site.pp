# The lab's Puppet code: the module's classes with the lab's settings. Facts come from the Vagrantfile.
node /^appliance/ {
  class { 'cairn::appliance':
    external_labels => { 'receive_replica' => 'appliance' },
    # the lab VM has 4 GiB and a few thousand series; the packaged 4g heap is for ~3M
    java_opts       => '-Xms1g -Xmx1g -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError',
  }
}

node /^prom-/ {
  $token = $facts['cairn_enrollment_token'] ? {
    undef   => undef,
    ''      => undef,
    default => Sensitive($facts['cairn_enrollment_token']),
  }
  class { 'cairn::agent':
    appliance_url    => "https://${facts['cairn_appliance_ip']}:19291",
    enrollment_token => $token,
    external_labels  => { 'lab' => 'vagrant', 'prometheus' => $facts['networking']['hostname'] },
    sidecar_enabled  => true,
  }
}
