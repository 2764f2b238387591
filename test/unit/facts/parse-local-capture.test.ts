// A real capture from a Debian 12 machine running sandbox containers (bridge + veths);
// only its environment section was replaced by a synthetic one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFacts, resolveGatherSubset } from '../../../src/facts/index.js';
import { fixture } from './local-exec.js';

const { facts, warnings } = parseFacts(fixture('local-debian12.txt'), resolveGatherSubset(['all']));

test('captured Debian 12: distribution and container detection', () => {
  assert.deepEqual(warnings, []);
  assert.equal(facts['distribution'], 'Debian');
  assert.equal(facts['distribution_version'], '12.11');
  assert.equal(facts['os_family'], 'Debian');
  assert.equal(facts['virtualization_type'], 'docker');
  assert.deepEqual(facts['virtualization_tech_host'], ['kvm']);
  assert.equal(facts['service_mgr'], 'process_api');
  assert.equal(facts['fqdn'], 'localhost');
  assert.equal(facts['hostname'], 'vm');
});

test('captured Debian 12: bridge with its ports, veth names without @peer', () => {
  // Fact names use '_' where the interface name has '-', as Ansible's (ansible_k8sp_br0).
  const br = facts['k8sp_br0'] as Record<string, unknown>;
  assert.equal(br['type'], 'bridge');
  assert.deepEqual(br['interfaces'], ['vb-k0-0-master', 'vb-k0-1-node-1', 'vb-k0-2-nodfBxb']);
  assert.equal(br['stp'], false);
  assert.equal((br['ipv4'] as Record<string, unknown>)['address'], '10.213.0.1');
  assert.ok((facts['interfaces'] as string[]).includes('vb-k0-1-node-1'));
  assert.equal(((facts['vb_k0_1_node_1'] as Record<string, unknown>)['ipv6'] as unknown[]).length, 1);
  assert.equal((facts['default_ipv4'] as Record<string, unknown>)['address'], '192.0.2.2');
  assert.deepEqual(facts['all_ipv4_addresses'], ['192.0.2.2', '10.213.0.1']);
});

test('captured Debian 12: environment with quotes and newlines (dash export -p)', () => {
  const env = facts['env'] as Record<string, string>;
  assert.equal(env['QUOTED'], `it's a "test"`);
  assert.equal(env['MULTI'], 'line one\nline two');
});
