/**
 * Rough throughput of the template engine on the per-task, per-host hot path.
 * Run: npx tsx bench/template-render.ts   (not a test; numbers depend on the machine)
 */
import { renderValue, evaluateCondition, markUnsafe } from '../src/template/index.js';

const facts = markUnsafe({
  ansible_default_ipv4: { address: '10.0.0.5', interface: 'eth0' },
  ansible_distribution: 'Debian',
  ansible_memtotal_mb: 4096,
  ansible_interfaces: Array.from({ length: 20 }, (_v, i) => `eth${i}`),
});
const vars: Record<string, unknown> = {
  ...Object.fromEntries(Array.from({ length: 200 }, (_v, i) => [`var_${i}`, `value ${i}`])),
  kube_version: 'v1.30.2',
  kube_minor: "{{ kube_version.split('.')[1] }}",
  api_port: 6443,
  api_url: 'https://{{ ansible_default_ipv4.address }}:{{ api_port }}',
  cfg: { url: '{{ api_url }}', retries: 3 },
  groups: { all: ['m1', 'w1', 'w2'], masters: ['m1'] },
  result: markUnsafe({ rc: 0, stdout: 'ok\nready', changed: false }),
  ...facts,
  hostvars: {
    m1: { ansible_host: '10.0.0.1', node_ip: '{{ ansible_host }}' },
    w1: { ansible_host: '10.0.0.2', node_ip: '{{ ansible_host }}' },
  },
};

function bench(name: string, fn: () => unknown, ms = 600): void {
  for (let i = 0; i < 2000; i++) fn(); // warm up (and fill the compile cache)
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
    now = performance.now();
  }
  const perSec = Math.round((n / (now - start)) * 1000);
  console.log(`${name.padEnd(48)} ${perSec.toLocaleString('en-US').padStart(12)} renders/s`);
}

const args = {
  name: 'kubelet',
  state: 'started',
  enabled: true,
  daemon_reload: "{{ result is changed }}",
  environment: { KUBE_VERSION: '{{ kube_version }}', API: '{{ cfg.url }}' },
};

bench('plain string (fast path)', () => renderValue('just text', vars));
bench("'{{ x }}'", () => renderValue('{{ kube_version }}', vars));
bench("'v{{ x }} on {{ a.b }}'", () => renderValue('v{{ kube_version }} on {{ ansible_default_ipv4.address }}', vars));
bench('filters: default/regex_replace/int', () => renderValue("{{ nope | default(kube_version) | regex_replace('^v', '') | length | int }}", vars));
bench('lazy nested var (cfg.url -> api_url)', () => renderValue('{{ cfg.url }}', vars));
bench("hostvars[groups['masters'][0]].node_ip", () => renderValue("{{ hostvars[groups['masters'][0]].node_ip }}", vars));
bench('when: result.rc != 0 and ...', () => evaluateCondition("result.rc == 0 and 'ready' in result.stdout", vars));
bench('module args object (5 keys, 3 templates)', () => renderValue(args, vars));
bench("{% for %} loop over 20 items", () => renderValue("{% for i in ansible_interfaces %}{{ i }},{% endfor %}", vars));
