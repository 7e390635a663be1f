# puppet apply --noop examples/agent.pp (with the module and stdlib on the modulepath)
class { 'cairn::agent':
  appliance_url    => 'https://cairn.example.org:19291',
  enrollment_token => Sensitive('example-token'),
  external_labels  => { 'dc' => 'lab', 'prometheus' => $facts['networking']['hostname'] },
}
