# puppet apply --noop examples/appliance.pp (with the module and stdlib on the modulepath)
class { 'cairn::appliance':
  external_labels => { 'receive_replica' => $facts['networking']['hostname'] },
  retention_raw   => '90d',
}
