# frozen_string_literal: true

require 'spec_helper'
require 'yaml'

describe 'cairn::agent' do
  cairn_test_os.each do |os, os_facts|
    context "on #{os}" do
      let(:facts) { os_facts }
      let(:env_file) { os_facts[:os]['family'] == 'RedHat' ? '/etc/sysconfig/cairn-agent' : '/etc/default/cairn-agent' }

      # The rendered config, parsed as the agent will parse it.
      def config_yaml
        YAML.safe_load(catalogue.resource('File', '/etc/cairn/agent.yaml')[:content])
      end

      context 'with the module defaults' do
        it { is_expected.to compile.with_all_deps }
        it { is_expected.to contain_package('cairn-agent').with_ensure('installed') }

        it {
          is_expected.to contain_file('/etc/cairn/agent.yaml')
            .with(owner: 'root', group: 'cairn', mode: '0640')
            .that_requires('Package[cairn-agent]')
            .that_notifies('Service[cairn-agent]')
        }

        it { is_expected.to contain_file(env_file).with_content(%r{^JAVA_OPTS=-Xms128m -Xmx512m }).that_notifies('Service[cairn-agent]') }
        it { is_expected.to contain_service('cairn-agent').with(ensure: 'running', enable: true) }

        it 'writes the documented defaults and no appliance section' do
          expect(config_yaml).to eq(
            'data_dir' => '/var/lib/cairn/agent',
            'external_labels' => {},
            'relay' => { 'listen_address' => '127.0.0.1:19291', 'max_queue_bytes' => '1GiB' },
            'mode' => 'relay',
            'report' => { 'interval' => '15s' },
            'sidecar' => { 'prometheus_url' => 'http://127.0.0.1:9090',
                           'prometheus_data_dir' => '/var/lib/prometheus/metrics2', 'grpc_listen' => '0.0.0.0:10901' },
            'pki' => { 'dir' => '/var/lib/cairn/agent/pki' },
            'http' => { 'listen' => '0.0.0.0:10902' },
            'log' => { 'level' => 'info' },
          )
        end

        it 'shows config diffs, since there is no secret in it' do
          expect(catalogue.resource('File', '/etc/cairn/agent.yaml').sensitive_parameters).not_to include(:content)
        end
      end

      # The OS family changes only the environment file's path: the other cases run on one OS.
      next unless os == 'debian-12-x86_64'

      context 'with an appliance, an enrollment token and labels' do
        let(:params) do
          {
            appliance_url: 'https://cairn.example.org:19291',
            enrollment_token: sensitive('s3cr3t-"token"'),
            appliance_ca_sha256: 'ab' * 32,
            external_labels: { 'dc' => 'fra1', 'team' => 'a: b' },
            mode: 'relay+sidecar',
          }
        end

        it { is_expected.to compile.with_all_deps }

        it 'keeps the token out of reports: the file content is Sensitive' do
          expect(catalogue.resource('File', '/etc/cairn/agent.yaml').sensitive_parameters).to include(:content)
        end

        it 'renders values that need quoting as the same strings' do
          expect(config_yaml['appliance']).to eq('url' => 'https://cairn.example.org:19291',
                                                 'ca_sha256' => 'ab' * 32,
                                                 'enrollment_token' => 's3cr3t-"token"')
          expect(config_yaml['external_labels']).to eq('dc' => 'fra1', 'team' => 'a: b')
          expect(config_yaml['mode']).to eq('relay+sidecar')
        end
      end

      context 'with mutual TLS and queue_config knobs' do
        let(:params) do
          {
            appliance_url: 'https://cairn.example.org:19291/api/v1/write',
            appliance_tls: { 'cert_file' => '/etc/cairn/pki/a.crt', 'key_file' => '/etc/cairn/pki/a.key',
                             'ca_file' => '/etc/cairn/pki/ca.crt' },
            relay_max_queue_bytes: '20GiB',
            relay_queue_config: { 'max_shards' => 50, 'min_backoff' => '100ms' },
          }
        end

        it 'writes them under the agent\'s keys, numbers as numbers' do
          expect(config_yaml['appliance']).to eq('url' => 'https://cairn.example.org:19291/api/v1/write',
                                                 'tls' => { 'cert_file' => '/etc/cairn/pki/a.crt',
                                                            'key_file' => '/etc/cairn/pki/a.key',
                                                            'ca_file' => '/etc/cairn/pki/ca.crt' })
          expect(config_yaml['relay']).to eq('listen_address' => '127.0.0.1:19291', 'max_queue_bytes' => '20GiB',
                                             'queue_config' => { 'max_shards' => 50, 'min_backoff' => '100ms' })
        end
      end

      context 'with a misspelt queue_config knob' do
        let(:params) { { relay_queue_config: { 'max_shard' => 50 } } }

        it { is_expected.to compile.and_raise_error(%r{relay_queue_config}) }
      end

      context 'without service management' do
        let(:params) { { manage_service: false } }

        it { is_expected.to compile.with_all_deps }
        it { is_expected.not_to contain_service('cairn-agent') }
      end

      context 'with a malformed listen address' do
        let(:params) { { relay_listen: 'localhost' } }

        it { is_expected.to compile.and_raise_error(%r{relay_listen}) }
      end

      context 'with a size in the wrong unit' do
        let(:params) { { relay_max_queue_bytes: '10GB' } }

        it { is_expected.to compile.and_raise_error(%r{relay_max_queue_bytes}) }
      end

      context 'with a plain-HTTP appliance on another host' do
        let(:params) { { appliance_url: 'http://cairn.example.org:19291' } }

        it { is_expected.to compile.and_raise_error(%r{appliance_url .* is plain http to another host}) }
      end

      context 'with a plain-HTTP appliance on another host, insecure on purpose' do
        let(:params) { { appliance_url: 'http://cairn.example.org:19291', appliance_insecure: true } }

        it { expect(config_yaml['appliance']).to include('url' => 'http://cairn.example.org:19291', 'insecure' => true) }
      end

      # An appliance on the same host (and the agent accepts plain http to loopback without insecure).
      ['http://127.0.0.1:10902/api/v1/write', 'http://localhost:10902', 'http://[::1]:10902/api/v1/write'].each do |url|
        context "with a plain-HTTP appliance on loopback (#{url})" do
          let(:params) { { appliance_url: url } }

          it { expect(config_yaml['appliance']).to eq('url' => url) }
        end
      end

      context 'with a plain-HTTP look-alike host name' do
        let(:params) { { appliance_url: 'http://127.0.0.1.example.org/api/v1/write' } }

        it { is_expected.to compile.and_raise_error(%r{plain http to another host}) }
      end

      context 'with the token given as a plain string' do
        let(:params) { { appliance_url: 'https://cairn.example.org:19291', enrollment_token: 'plain' } }

        it { is_expected.to compile.and_raise_error(%r{enrollment_token}) }
      end
    end
  end
end
