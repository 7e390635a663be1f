# @summary Log level of a Cairn daemon.
type Cairn::LogLevel = Enum['debug', 'info', 'warn', 'error']
