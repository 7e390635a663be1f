# @summary Installs the cairn-agent package (which brings cairn-common, Java 17 and the user `cairn`).
# @api private
class cairn::agent::install {
  assert_private()

  package { $cairn::agent::package_name:
    ensure => $cairn::agent::package_ensure,
  }
}
