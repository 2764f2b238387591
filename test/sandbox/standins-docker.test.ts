/**
 * The docker stand-in (the docker-ce RPM of the sandbox repository) and the sandbox registry on
 * one sandbox host, plus the CentOS 7 starting state the walkthrough's preparation changes
 * (bridge netfilter and forwarding off, applied by systemd-sysctl in the host's own network
 * namespace). Everything is read back with OpenSSH; the expected ids come from the registry list.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { sandboxSuite } from '../helpers/sandbox-host.js';
import { manifestOf, registryFiles, registryUrl, splitImageRef } from '../../src/sandbox/registry-tree.js';
import { REGISTRY_IMAGES } from '../../src/sandbox/registry-images.js';

const sb = sandboxSuite('standins-docker', ['d1']);
const H = 'd1';
const MIRROR_FLANNEL = 'quay-mirror.qiniu.com/coreos/flannel:v0.10.0-amd64';
const QUAY_FLANNEL = 'quay.io/coreos/flannel:v0.10.0-amd64';
const NO_DAEMON = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n';
const BRIDGE_KEYS = ['net.bridge.bridge-nf-call-ip6tables', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-arptables'];
const ALL_KEYS = [...BRIDGE_KEYS, 'net.ipv4.ip_forward'];

function procPath(key: string): string {
  return `/proc/sys/${key.replace(/\./g, '/')}`;
}

/** The controller's own values of the keys the hosts change: they must never move. */
function controllerValues(): Record<string, string> {
  return Object.fromEntries(ALL_KEYS.map((k) => {
    try { return [k, readFileSync(procPath(k), 'utf8').trim()]; } catch { return [k, 'absent']; }
  }));
}

function hostValues(): Record<string, string> {
  const out = sb.shOk(H, ALL_KEYS.map((k) => `cat ${procPath(k)}`).join('; ')).trim().split('\n');
  return Object.fromEntries(ALL_KEYS.map((k, i) => [k, out[i]!]));
}

function docker(args: string): { rc: number; stdout: string; stderr: string } {
  return sb.sh(H, `docker ${args}`);
}

function expected(ref: string): ReturnType<typeof manifestOf> {
  const img = REGISTRY_IMAGES.find((i) => i.ref === ref);
  if (!img) throw new Error(`${ref} is not in the registry list`);
  return manifestOf(img);
}

/** The modprobe and sysctl tasks of playbooks/prepare.yml, as written there. */
function prepareSysctlTasks(): unknown[] {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const plays = parse(readFileSync(`${root}/playbooks/prepare.yml`, 'utf8')) as Array<{ tasks: Array<Record<string, unknown>> }>;
  const tasks = plays.flatMap((p) => p.tasks).filter((t) => 'sysctl' in t || 'modprobe' in t);
  assert.ok(tasks.some((t) => 'sysctl' in t), 'prepare.yml has no sysctl task');
  return tasks;
}

describe('sandbox registry tree', () => {
  test('catalogs list each registry\'s repositories and tags; one image under two names shares its id', () => {
    const files = registryFiles();
    const quay = JSON.parse(files.get('quay-mirror.qiniu.com/_catalog.json')!);
    assert.deepEqual(quay, { repositories: ['coreos/flannel'], tags: { 'coreos/flannel': ['v0.10.0-amd64', 'v0.11.0-amd64'] } });
    assert.ok(files.has('registry.aliyuncs.com/google_containers/kube-apiserver/v1.13.3.json'));
    assert.ok(!files.has('quay.io/_catalog.json'), 'quay.io must stay out of reach');
    const latest = JSON.parse(files.get('docker.io/library/nginx/latest.json')!);
    const v115 = JSON.parse(files.get('docker.io/library/nginx/1.15.json')!);
    assert.equal(latest.id, v115.id);
    assert.notEqual(latest.id, JSON.parse(files.get('registry.aliyuncs.com/google_containers/pause/3.1.json')!).id);
    assert.match(latest.id, /^sha256:[0-9a-f]{64}$/);
    assert.throws(() => splitImageRef('nginx:latest'), /host\/path:tag/);
    assert.equal(registryUrl('http://10.1.0.1:8000/'), 'http://10.1.0.1:8000/registry/');
  });
});

describe('docker stand-in and CentOS 7 sysctl starting state on a sandbox host', { skip: sb.skip }, () => {
  const controllerBefore = controllerValues();
  before(async () => {
    await sb.up();
    sb.shOk(H, 'dnf install -q -y --enablerepo=k8splay-sandbox docker-ce-18.06.1.ce-3.el7');
  });
  after(async () => {
    await sb.down();
  });

  test('bridge netfilter and forwarding start off, set by systemd-sysctl in the host only', () => {
    assert.match(sb.shOk(H, 'cat /usr/lib/sysctl.d/00-system.conf'), /^net\.bridge\.bridge-nf-call-iptables = 0$/m);
    assert.equal(sb.shOk(H, 'systemctl is-active systemd-sysctl').trim(), 'active');
    assert.deepEqual(hostValues(), Object.fromEntries(ALL_KEYS.map((k) => [k, '0'])));
    // The bridge keys start at 1 in a new namespace (br_netfilter's default): 0 is systemd-sysctl's doing.
    assert.deepEqual(controllerValues(), controllerBefore);
  });

  test('the sysctl tasks of playbooks/prepare.yml turn them on; a re-run changes nothing', async () => {
    const yaml = JSON.stringify([{ hosts: 'all', gather_facts: false, vars: { k8s_sysctl_file: '/etc/sysctl.d/k8s.conf' }, tasks: prepareSysctlTasks() }]);
    const first = await sb.play(yaml);
    assert.equal(first.result.exitCode, 0, JSON.stringify(first.result.tasks.map((t) => t.results)));
    assert.ok(first.changed >= 1);
    assert.deepEqual(hostValues(), {
      'net.bridge.bridge-nf-call-ip6tables': '1', 'net.bridge.bridge-nf-call-iptables': '1',
      'net.bridge.bridge-nf-call-arptables': '0', 'net.ipv4.ip_forward': '1',
    });
    const second = await sb.play(yaml);
    assert.equal(second.result.exitCode, 0);
    assert.equal(second.changed, 0);
    assert.deepEqual(controllerValues(), controllerBefore);
  });

  test('registry.url points at the sandbox registry, which the host reaches with curl', () => {
    const url = sb.shOk(H, 'cat /etc/k8splay-standin/registry.url');
    assert.equal(url, registryUrl(sb.state().repo!.url) + '\n');
    const catalog = JSON.parse(sb.shOk(H, `curl -sf ${url.trim()}quay-mirror.qiniu.com/_catalog.json`));
    assert.deepEqual(catalog.repositories, ['coreos/flannel']);
    assert.match(sb.shOk(H, 'openssl version'), /^OpenSSL \d/);
  });

  test('without the daemon the CLI fails like docker; --version still answers', () => {
    assert.equal(sb.shOk(H, 'docker --version'), 'Docker version 18.06.1-ce, build e68fc7a (k8splay sandbox stand-in)\n');
    for (const args of ['images', `pull ${MIRROR_FLANNEL}`, 'info']) {
      const r = docker(args);
      assert.deepEqual([r.rc, r.stderr], [1, NO_DAEMON], args);
    }
    const v = docker('version');
    assert.equal(v.rc, 1);
    assert.match(v.stdout, /^Client:\n Version:           18\.06\.1-ce\n/);
    assert.doesNotMatch(v.stdout, /Server:/);
  });

  test('systemctl start docker: the daemon listens, turns forwarding on and reports itself', () => {
    sb.shOk(H, 'sysctl -qw net.ipv4.ip_forward=0');
    sb.shOk(H, 'systemctl start docker');
    assert.equal(sb.shOk(H, 'systemctl is-active docker; test -S /var/run/docker.sock && echo socket'), 'active\nsocket\n');
    assert.equal(hostValues()['net.ipv4.ip_forward'], '1');
    const info = docker('info');
    assert.equal(info.rc, 0, info.stderr);
    assert.match(info.stdout, /^Server Version: 18\.06\.1-ce$/m);
    assert.match(info.stdout, /^Cgroup Driver: cgroupfs$/m);
    assert.equal(info.stderr, '', 'bridge-nf-call-* are on: no warning');
    assert.equal(docker("info --format '{{.CgroupDriver}}'").stdout, 'cgroupfs\n');
    assert.equal(docker("version --format '{{.Server.Version}}'").stdout, '18.06.1-ce\n');
    assert.deepEqual(docker('ps'), { rc: 0, stderr: '', stdout: 'CONTAINER ID        IMAGE               COMMAND             CREATED             STATUS              PORTS               NAMES\n' });
  });

  test('pull from the mirror, then again: downloaded, then up to date', () => {
    const m = expected(MIRROR_FLANNEL);
    const first = docker(`pull ${MIRROR_FLANNEL}`);
    assert.equal(first.rc, 0, first.stderr);
    const lines = first.stdout.trim().split('\n');
    assert.equal(lines[0], 'v0.10.0-amd64: Pulling from coreos/flannel');
    assert.ok(lines.includes(`${m.layers[0]!.slice(7, 19)}: Pull complete`), first.stdout);
    assert.deepEqual(lines.slice(-2), [`Digest: ${m.digest}`, `Status: Downloaded newer image for ${MIRROR_FLANNEL}`]);
    const again = docker(`pull ${MIRROR_FLANNEL}`);
    assert.equal(again.stdout, `v0.10.0-amd64: Pulling from coreos/flannel\nDigest: ${m.digest}\nStatus: Image is up to date for ${MIRROR_FLANNEL}\n`);
    const nginx = docker('pull nginx');
    assert.equal(nginx.rc, 0, nginx.stderr);
    assert.match(nginx.stdout, /^Using default tag: latest\nlatest: Pulling from library\/nginx\n/);
    assert.match(nginx.stdout, /\nStatus: Downloaded newer image for nginx:latest\n$/);
  });

  test('unreachable registries, unknown repositories and tags fail with docker 18.06\'s messages', () => {
    const quay = docker(`pull ${QUAY_FLANNEL}`);
    assert.deepEqual([quay.rc, quay.stdout, quay.stderr], [1, '', 'Error response from daemon: Get https://quay.io/v2/: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)\n']);
    assert.match(docker('pull k8s.gcr.io/pause:3.1').stderr, /^Error response from daemon: Get https:\/\/k8s\.gcr\.io\/v2\/: net\/http: request canceled/);
    const tag = docker('pull quay-mirror.qiniu.com/coreos/flannel:v9.9.9');
    assert.deepEqual([tag.rc, tag.stderr], [1, 'Error response from daemon: manifest for quay-mirror.qiniu.com/coreos/flannel:v9.9.9 not found\n']);
    const repo = docker('pull registry.aliyuncs.com/google_containers/nosuch:v1');
    assert.deepEqual([repo.rc, repo.stderr], [1, "Error response from daemon: pull access denied for registry.aliyuncs.com/google_containers/nosuch, repository does not exist or may require 'docker login'\n"]);
    const usage = docker('pull --nope x');
    assert.deepEqual([usage.rc, usage.stderr], [125, "unknown flag: --nope\nSee 'docker pull --help'.\n"]);
  });

  test('tag keeps the id; images and inspect show both names', () => {
    const id = expected(MIRROR_FLANNEL).id;
    const missing = docker(`tag quay-mirror.qiniu.com/coreos/flannel:v0.11.0-amd64 ${QUAY_FLANNEL}`);
    assert.deepEqual([missing.rc, missing.stderr], [1, 'Error response from daemon: No such image: quay-mirror.qiniu.com/coreos/flannel:v0.11.0-amd64\n']);
    assert.equal(docker(`tag ${MIRROR_FLANNEL} ${QUAY_FLANNEL}`).rc, 0);
    assert.equal(docker(`image inspect --format '{{.Id}}' ${QUAY_FLANNEL}`).stdout, `${id}\n`);
    assert.equal(docker(`inspect --type image -f '{{json .RepoTags}}' ${QUAY_FLANNEL}`).stdout, `["${MIRROR_FLANNEL}","${QUAY_FLANNEL}"]\n`);
    assert.equal(docker(`image inspect -f '{{.RepoTags}}' ${id.slice(7, 19)}`).stdout, `[${MIRROR_FLANNEL} ${QUAY_FLANNEL}]\n`);
    const full = JSON.parse(docker(`image inspect ${QUAY_FLANNEL}`).stdout);
    assert.equal(full.length, 1);
    assert.equal(full[0].Id, id);
    assert.equal(full[0].Size, expected(MIRROR_FLANNEL).size);

    const table = docker('images').stdout.split('\n');
    assert.equal(table[0], 'REPOSITORY                             TAG                 IMAGE ID            CREATED             SIZE');
    assert.match(table.find((l) => l.startsWith('quay.io/coreos/flannel '))!, new RegExp(`^quay\\.io/coreos/flannel +v0\\.10\\.0-amd64 +${id.slice(7, 19)} +\\d+ years? ago +44\\.6MB$`));
    assert.equal(docker("images --format '{{.Repository}}:{{.Tag}}' quay.io/coreos/flannel").stdout, `${QUAY_FLANNEL}\n`);
    assert.equal(docker('images -q nginx').stdout, `${expected('docker.io/library/nginx:latest').id.slice(7, 19)}\n`);

    const none = docker('image inspect nosuch:1');
    assert.deepEqual([none.rc, none.stdout, none.stderr], [1, '[]\n', 'Error: No such image: nosuch:1\n']);
  });

  test('rmi untags, and deletes the image with its last name', () => {
    const id = expected(MIRROR_FLANNEL).id;
    const conflict = docker(`rmi ${id.slice(7, 19)}`);
    assert.deepEqual([conflict.rc, conflict.stderr], [1, `Error response from daemon: conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories\n`]);
    const mirror = docker(`rmi ${MIRROR_FLANNEL}`);
    assert.equal(mirror.stdout, `Untagged: ${MIRROR_FLANNEL}\nUntagged: quay-mirror.qiniu.com/coreos/flannel@${expected(MIRROR_FLANNEL).digest}\n`);
    assert.equal(docker(`image inspect -f '{{.Id}}' ${QUAY_FLANNEL}`).stdout, `${id}\n`);
    const last = docker(`rmi ${QUAY_FLANNEL}`);
    assert.equal(last.rc, 0, last.stderr);
    assert.match(last.stdout, new RegExp(`^Untagged: ${QUAY_FLANNEL.replace(/\./g, '\\.')}\nDeleted: ${id}\n`));
    const gone = docker(`rmi ${QUAY_FLANNEL}`);
    assert.deepEqual([gone.rc, gone.stderr], [1, `Error: No such image: ${QUAY_FLANNEL}\n`]);
    assert.doesNotMatch(docker('images').stdout, /flannel/);
  });

  test('systemctl stop docker: the socket goes and the CLI fails again', () => {
    sb.shOk(H, 'systemctl stop docker');
    assert.equal(sb.sh(H, 'test -e /var/run/docker.sock').rc, 1);
    assert.deepEqual([docker('images').rc, docker('images').stderr], [1, NO_DAEMON]);
    assert.deepEqual(controllerValues(), controllerBefore);
  });
});
