/**
 * `serial:` batches: a number, a percentage, or a list of them (the last repeats), as Ansible.
 */
export function serialBatches<T>(hosts: T[], serial: unknown): T[][] {
  if (serial === undefined || serial === null || serial === 0 || serial === '0') return [hosts];
  const specs = Array.isArray(serial) ? serial : [serial];
  if (!specs.length) return [hosts];
  const sizes = specs.map((s) => batchSize(s, hosts.length));
  const batches: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k, sizes.length - 1)]!;
    batches.push(hosts.slice(i, i + size));
    i += size;
    k++;
  }
  return batches;
}

function batchSize(spec: unknown, total: number): number {
  if (typeof spec === 'string' && spec.trim().endsWith('%')) {
    const pct = Number(spec.trim().slice(0, -1));
    return Math.max(1, Math.floor((total * pct) / 100));
  }
  const n = Number(spec);
  if (!Number.isFinite(n) || n <= 0) return total || 1;
  return Math.min(Math.floor(n), total) || 1;
}
