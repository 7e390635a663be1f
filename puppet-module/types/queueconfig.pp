# @summary Prometheus's remote_write queue_config knobs, as the agent's relay.queue_config reads them.
#   Same names, meanings and defaults as Prometheus 2.42; a knob left out keeps its default.
type Cairn::QueueConfig = Struct[{
    Optional['capacity']             => Integer[1],
    Optional['min_shards']           => Integer[1],
    Optional['max_shards']           => Integer[1],
    Optional['max_samples_per_send'] => Integer[1],
    Optional['batch_send_deadline']  => Cairn::Duration,
    Optional['min_backoff']          => Cairn::Duration,
    Optional['max_backoff']          => Cairn::Duration,
    Optional['remote_timeout']       => Cairn::Duration,
}]
