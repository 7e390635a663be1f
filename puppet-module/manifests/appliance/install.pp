# @summary Installs the cairn-appliance package (which brings cairn-common, Java 17 and the user `cairn`).
# @api private
class cairn::appliance::install {
  assert_private()

  package { $cairn::appliance::package_name:
    ensure => $cairn::appliance::package_ensure,
  }
}
