// yum_repo's gather on real local shells (temp reposdir): the grep that finds other .repo
// files defining the same [section], which the unit fake only imitates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yumRepo, { definedInCommand } from './index.js';
import { shellQuote } from '../../src/connection/quote.js';
import { createHarness, type Harness } from '../../test/helpers/module-harness.js';

let h: Harness;
before(async () => { h = await createHarness('k8sp-yumrepo-'); });
after(async () => { await h.close(); });

const K8S = { name: 'kubernetes', description: 'Kubernetes', baseurl: 'http://k8s.example/el7', gpgcheck: false };
const K8S_IN = (dir: string) => ({ ...K8S, reposdir: dir });
const warningsOf = (r: { plan?: { warnings?: string[] } }) => r.plan?.warnings ?? [];

test('another .repo file defining the same section is reported; its own file, other names and other files are not', async () => {
  const dir = join(h.dir, 'repos');
  mkdirSync(dir);
  // Not the section: a longer name, a commented header, text after the header, not a .repo file.
  writeFileSync(join(dir, 'base.repo'), '[base]\nname=Base\nbaseurl=http://b\n\n[kubernetes-extra]\nname=X\nbaseurl=http://x\n#[kubernetes]\n[kubernetes]x=1\n');
  writeFileSync(join(dir, 'kubernetes.repo.rpmsave'), '[kubernetes]\nname=Saved\nbaseurl=http://s\n');
  mkdirSync(join(dir, 'dir.repo'));
  const none = await h.run(yumRepo, K8S_IN(dir));
  assert.equal(none.status, 'changed');
  assert.deepEqual(warningsOf(none), []);
  assert.match(readFileSync(join(dir, 'kubernetes.repo'), 'utf8'), /^\[kubernetes\]$/m);
  // Its own file defines the section now: still nothing to report.
  const own = await h.run(yumRepo, { ...K8S, reposdir: `${dir}/` });
  assert.equal(own.status, 'ok');
  assert.deepEqual(warningsOf(own), []);

  // A second definition as dnf reads it: blanks around the header, CRLF, a comment after it.
  writeFileSync(join(dir, 'old kube.repo'), '# from an old install\n  [kubernetes] \t# old\r\nname=Old\r\nbaseurl=http://old\r\n');
  const also = await h.run(yumRepo, K8S_IN(dir), { checkMode: true });
  assert.equal(also.status, 'ok');
  assert.deepEqual(warningsOf(also).map((w) => /also defined in (.*): dnf/.exec(w)?.[1]), [join(dir, 'old kube.repo')]);
});

test('a name with ERE and shell metacharacters is matched literally, under dash, bash and busybox sh', () => {
  const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  const shells = [['/bin/sh'], ['bash', '--posix'], ['busybox', 'sh']].filter(([s]) => s === '/bin/sh' || has(s!));
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-yumrepo-ere-'));
  try {
    const name = `a.b*(c)+?{1}|^$\\'d`;
    writeFileSync(join(dir, 'own.repo'), `[${name}]\n`);
    writeFileSync(join(dir, 'same.repo'), `[x]\nk=v\n\n[${name}];note\n`);
    // What the name would match as a regex (or as a glob) but is not the name.
    writeFileSync(join(dir, 'regex.repo'), `[aXb*(c)+?{1}|^$\\'d]\n[aab(c)+?{1}|^$\\'d]\n[a.b]\n`);
    const prefix = `${dir}/`;
    for (const sh of shells) {
      const run = (n: string, skip: string) => spawnSync(sh[0]!, [...sh.slice(1), '-c', definedInCommand(prefix, n, join(dir, skip), shellQuote)], { encoding: 'utf8' }).stdout;
      assert.equal(run(name, 'own.repo'), `${join(dir, 'same.repo')}\n`, sh.join(' '));
      assert.equal(run(name, 'same.repo'), `${join(dir, 'own.repo')}\n`, sh.join(' '));
      assert.equal(run('a.b', 'own.repo'), `${join(dir, 'regex.repo')}\n`, sh.join(' '));
      assert.equal(run('a', 'own.repo'), '', sh.join(' '));
    }
    // No .repo file but the skipped one: no grep, no output, status 0 or 1 (none is an error).
    const empty = mkdtempSync(join(tmpdir(), 'k8sp-yumrepo-empty-'));
    writeFileSync(join(empty, 'own.repo'), `[${name}]\n`);
    const r = spawnSync('/bin/sh', ['-c', `PATH=/nonexistent; ${definedInCommand(`${empty}/`, name, join(empty, 'own.repo'), shellQuote)}`], { encoding: 'utf8' });
    rmSync(empty, { recursive: true, force: true });
    assert.deepEqual([r.stdout, r.stderr], ['', '']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
