# @summary Keeps cairn-agent.service in the requested state (the unit comes with the package).
# @api private
class cairn::agent::service {
  assert_private()

  if $cairn::agent::manage_service {
    service { 'cairn-agent':
      ensure => $cairn::agent::service_ensure,
      enable => $cairn::agent::service_enable,
    }
  }
}
