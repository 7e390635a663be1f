require 'spec_helper'

describe 'cairn::remote_write_config' do
  it 'points at the relay on its default address (the module data)' do
    is_expected.to run.with_params.and_return(
      'url' => 'http://127.0.0.1:19291/api/v1/write', 'name' => 'cairn-agent',
    )
  end

  it 'passes queue_config through' do
    is_expected.to run.with_params({ 'max_samples_per_send' => 2000 }).and_return(
      'url' => 'http://127.0.0.1:19291/api/v1/write', 'name' => 'cairn-agent',
      'queue_config' => { 'max_samples_per_send' => 2000 },
    )
  end

  it 'reaches a wildcard listen address on loopback' do
    is_expected.to run.with_params({}, '0.0.0.0:19391').and_return(
      'url' => 'http://127.0.0.1:19391/api/v1/write', 'name' => 'cairn-agent',
    )
    is_expected.to run.with_params({}, '[::]:19291').and_return(
      'url' => 'http://[::1]:19291/api/v1/write', 'name' => 'cairn-agent',
    )
  end

  it 'refuses a queue_config knob Prometheus does not have' do
    is_expected.to run.with_params({ 'max_samples' => 1 }).and_raise_error(ArgumentError)
  end
end
