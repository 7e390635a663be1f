# @summary A listen address: host (name, IPv4, or [IPv6]) and port, e.g. "127.0.0.1:19291" or "[::]:10902".
type Cairn::HostPort = Pattern[/\A([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}\z/]
