# @summary The `remote_write` entry that points a local Prometheus at the Cairn agent's relay.
#
# For a Prometheus managed by the puppet-prometheus module (voxpupuli), which takes its remote_write
# section as `remote_write_configs`:
#
# @example Relay every sample of this host's Prometheus through the local Cairn agent
#   class { 'cairn::agent':
#     appliance_url => 'https://cairn.example.org:19291',
#   }
#   class { 'prometheus::server':
#     remote_write_configs => [cairn::remote_write_config()],
#   }
#
# @example With larger batches on a busy Prometheus (Prometheus's own queue_config knobs)
#   cairn::remote_write_config({ 'max_samples_per_send' => 2000, 'capacity' => 10000 })
#
# @param queue_config Prometheus's remote_write queue_config for the loopback leg; empty keeps its defaults.
# @param relay_listen The relay's listen address (cairn::agent's relay_listen; the module's default when
#   not given). A wildcard host (0.0.0.0, [::]) is reached on loopback.
# @return [Hash] one entry of Prometheus's remote_write list.
function cairn::remote_write_config(
  Cairn::QueueConfig $queue_config = {},
  Cairn::HostPort $relay_listen = lookup('cairn::agent::relay_listen'),
) >> Hash[String[1], Data] {
  $parts = $relay_listen.match(/\A(.*):([0-9]+)\z/)
  $host = $parts[1] ? {
    '0.0.0.0' => '127.0.0.1',
    '[::]'    => '[::1]',
    default   => $parts[1],
  }
  $entry = {
    'url'  => "http://${host}:${parts[2]}/api/v1/write",
    'name' => 'cairn-agent',
  }
  $queue_config.empty ? {
    true    => $entry,
    default => $entry + { 'queue_config' => $queue_config },
  }
}
