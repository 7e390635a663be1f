# @summary A size as Cairn's config reads it: a whole number of KiB, MiB, GiB or TiB, e.g. "10GiB".
type Cairn::Size = Pattern[/\A[0-9]+(KiB|MiB|GiB|TiB)\z/]
