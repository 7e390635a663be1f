# @summary A duration as Cairn's config reads it: a whole number of s, m, h or d, e.g. "30s" or "180d".
type Cairn::Duration = Pattern[/\A[0-9]+(ms|s|m|h|d)\z/]
