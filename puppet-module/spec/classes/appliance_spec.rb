# frozen_string_literal: true

require 'spec_helper'
require 'yaml'

describe 'cairn::appliance' do
  cairn_test_os.each do |os, os_facts|
    context "on #{os}" do
      let(:facts) { os_facts }
      let(:env_file) { os_facts[:os]['family'] == 'RedHat' ? '/etc/sysconfig/cairn-appliance' : '/etc/default/cairn-appliance' }

      def config_yaml
        YAML.safe_load(catalogue.resource('File', '/etc/cairn/appliance.yaml')[:content])
      end

      context 'with the module defaults' do
        it { is_expected.to compile.with_all_deps }
        it { is_expected.to contain_package('cairn-appliance').with_ensure('installed') }

        it {
          is_expected.to contain_file('/etc/cairn/appliance.yaml')
            .with(owner: 'root', group: 'cairn', mode: '0640')
            .that_requires('Package[cairn-appliance]')
            .that_notifies('Service[cairn-appliance]')
        }

        it { is_expected.to contain_file(env_file).with_content(%r{^JAVA_OPTS=-Xms512m -Xmx4g -XX:\+UseG1GC -XX:MaxNewSize=384m }) }
        it { is_expected.to contain_service('cairn-appliance').with(ensure: 'running', enable: true) }

        it 'writes the default ports, the filesystem bucket and the retention' do
          expect(config_yaml['http']).to eq('listen' => '0.0.0.0:10902')
          expect(config_yaml['grpc']).to eq('listen' => '127.0.0.1:10901')
          expect(config_yaml['agents']).to eq('listen' => '0.0.0.0:19291', 'heartbeat_timeout' => '5m')
          expect(config_yaml['bucket']).to eq('type' => 'filesystem',
                                              'filesystem' => { 'dir' => '/var/lib/cairn/appliance/bucket' })
          expect(config_yaml['compact']).to eq('enabled' => true, 'dir' => '/var/lib/cairn/appliance/compact',
                                               'retention_raw' => '30d', 'retention_5m' => '180d', 'retention_1h' => '0d')
          expect(config_yaml['query']).to eq('replica_labels' => ['replica', 'receive_replica'])
          expect(config_yaml['pki']).to eq('dir' => '/var/lib/cairn/appliance/pki', 'enrollment_token_file' => '',
                                           'agent_certificate_lifetime' => '90d')
        end

        it { is_expected.not_to contain_file('/etc/cairn/enrollment-tokens') }
      end

      # The OS family changes only the environment file's path: the other cases run on one OS.
      next unless os == 'debian-12-x86_64'

      context 'with enrollment tokens' do
        let(:params) { { enrollment_tokens: sensitive(['token-one', 'token-two']), agent_certificate_lifetime: '30d' } }

        it { is_expected.to compile.with_all_deps }

        it 'writes the tokens to a private file kept out of reports, and points pki at it' do
          tokens = catalogue.resource('File', '/etc/cairn/enrollment-tokens')
          expect(tokens[:owner]).to eq('root')
          expect(tokens[:group]).to eq('cairn')
          expect(tokens[:mode]).to eq('0640')
          expect(tokens.sensitive_parameters).to include(:content)
          content = tokens[:content]
          content = content.unwrap if content.respond_to?(:unwrap)
          expect(content).to eq("token-one\ntoken-two\n")
          expect(config_yaml['pki']).to eq('dir' => '/var/lib/cairn/appliance/pki',
                                           'enrollment_token_file' => '/etc/cairn/enrollment-tokens',
                                           'agent_certificate_lifetime' => '30d')
        end
      end

      context 'with an S3 bucket and its secret' do
        let(:params) do
          {
            bucket_type: 's3',
            s3: { 'endpoint' => 'https://s3.example.org', 'bucket' => 'metrics', 'access_key' => 'cairn', 'path_style' => true },
            s3_secret_key: sensitive('very-secret'),
          }
        end

        it { is_expected.to compile.with_all_deps }

        it 'keeps the secret out of reports: the file content is Sensitive' do
          expect(catalogue.resource('File', '/etc/cairn/appliance.yaml').sensitive_parameters).to include(:content)
        end

        it 'writes the S3 settings with the secret' do
          expect(config_yaml['bucket']).to eq('type' => 's3',
                                              's3' => { 'access_key' => 'cairn', 'bucket' => 'metrics',
                                                        'endpoint' => 'https://s3.example.org', 'path_style' => true,
                                                        'secret_key' => 'very-secret' })
        end
      end

      context 'with an S3 bucket but no bucket name' do
        let(:params) { { bucket_type: 's3', s3: { 'endpoint' => 'https://s3.example.org' } } }

        it { is_expected.to compile.and_raise_error(%r{needs s3 => \{ endpoint => \.\.\., bucket => \.\.\. \}}) }
      end

      context 'with an unknown S3 key' do
        let(:params) { { bucket_type: 's3', s3: { 'endpoint' => 'https://s3.example.org', 'bucket' => 'm', 'secret_key' => 'x' } } }

        it { is_expected.to compile.and_raise_error(%r{s3}) }
      end

      context 'with a retention that is not a duration' do
        let(:params) { { retention_raw: '30 days' } }

        it { is_expected.to compile.and_raise_error(%r{retention_raw}) }
      end
    end
  end
end
