# @summary Keeps cairn-appliance.service in the requested state (the unit comes with the package).
# @api private
class cairn::appliance::service {
  assert_private()

  if $cairn::appliance::manage_service {
    service { 'cairn-appliance':
      ensure => $cairn::appliance::service_ensure,
      enable => $cairn::appliance::service_enable,
    }
  }
}
