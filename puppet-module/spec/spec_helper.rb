# frozen_string_literal: true

# rspec's mocks, configured before puppetlabs_spec_helper loads (which otherwise warns about mocha).
RSpec.configure do |c|
  c.mock_with :rspec
end

require 'puppetlabs_spec_helper/module_spec_helper'
require 'rspec-puppet-facts'
include RspecPuppetFacts

# facterdb reads hundreds of JSON fact sets per query: ask once per run.
def supported_os_facts
  $cairn_supported_os_facts ||= on_supported_os # rubocop:disable Style/GlobalVars
end

# Debian's facterdb has no Debian 12 facts: derive them from Debian 11's, with the release changed.
def debian12_facts
  base = supported_os_facts['debian-11-x86_64'] or raise 'facterdb has no debian-11-x86_64 facts'
  os = base[:os].merge('release' => { 'full' => '12.8', 'major' => '12', 'minor' => '8' },
                       'distro' => base[:os]['distro'].merge('codename' => 'bookworm',
                                                             'release' => { 'full' => '12.8', 'major' => '12', 'minor' => '8' }))
  base.merge(os: os, operatingsystemmajrelease: '12', operatingsystemrelease: '12.8', lsbdistcodename: 'bookworm')
end

# One OS per family the module branches on (the environment file's path): Debian 12 and RHEL 8.
# The other releases in metadata.json differ only in facts the module does not read.
def cairn_test_os
  { 'debian-12-x86_64' => debian12_facts,
    'redhat-8-x86_64' => supported_os_facts['redhat-8-x86_64'] || raise('facterdb has no redhat-8-x86_64 facts') }
end

RSpec.configure do |c|
  c.default_facts = { service_provider: 'systemd' }
end
