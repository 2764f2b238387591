// NODE_EXTRA_CA_CERTS moved aside for Node's start and put back (src/util/extra-ca-env.ts), and
// its certificates trusted by this process's TLS afterwards (src/util/extra-ca-certs.ts): a
// child process with a self-signed server certificate, fetch() and https.get refused before
// and accepted after, as they would be had Node read the variable itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { restoreExtraCaEnv, stashExtraCaEnv, STASH_VAR } from '../../../src/util/extra-ca-env.js';
import { pemCertificates } from '../../../src/util/extra-ca-certs.js';

describe('extra CA environment', () => {
  test('stash moves NODE_EXTRA_CA_CERTS aside (a copy: the given env is left alone); restore puts it back', () => {
    const given = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/corp.pem' };
    const started = stashExtraCaEnv(given);
    assert.deepEqual(started, { PATH: '/bin', [STASH_VAR]: '/etc/corp.pem' });
    assert.equal(given.NODE_EXTRA_CA_CERTS, '/etc/corp.pem');
    assert.equal(restoreExtraCaEnv(started), '/etc/corp.pem');
    assert.deepEqual(started, { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/corp.pem' });
  });

  test('nothing set: nothing stashed, nothing restored', () => {
    const env = { PATH: '/bin' };
    assert.equal(stashExtraCaEnv(env), env);
    assert.equal(restoreExtraCaEnv(env), undefined);
    assert.deepEqual(env, { PATH: '/bin' });
    assert.deepEqual(stashExtraCaEnv({ NODE_EXTRA_CA_CERTS: '' }), { NODE_EXTRA_CA_CERTS: '' }, 'empty: Node reads nothing either');
  });

  test('a NODE_EXTRA_CA_CERTS set anyway wins (Node loaded that one); the stash is dropped', () => {
    const env = { NODE_EXTRA_CA_CERTS: '/etc/mine.pem', [STASH_VAR]: '/etc/other.pem' };
    assert.equal(restoreExtraCaEnv(env), undefined, 'nothing for us to trust: Node has');
    assert.deepEqual(env, { NODE_EXTRA_CA_CERTS: '/etc/mine.pem' });
  });

  test('pemCertificates finds each CERTIFICATE block, nothing else', () => {
    const cert = (n: string): string => `-----BEGIN CERTIFICATE-----\nMII${n}\n-----END CERTIFICATE-----`;
    const text = `# bundle\n${cert('AAA')}\nsome text\n-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n${cert('BBB')}\n`;
    assert.deepEqual(pemCertificates(text), [cert('AAA'), cert('BBB')]);
    assert.deepEqual(pemCertificates('no certificates'), []);
  });
});

describe('trustExtraCaCertificates', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'k8sp-extra-ca-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
    // A bundle as a distribution ships one: a comment, another certificate, then ours.
    writeFileSync(join(dir, 'bundle.pem'), `# extra roots\n${readFileSync(join(dir, 'cert.pem'), 'utf8')}`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Run a TLS client against a server with the self-signed certificate, trusting `file` (if any). */
  function probe(file: string | undefined): { lines: string[]; stderr: string } {
    const script = join(dir, 'probe.mts');
    writeFileSync(script, `
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { trustExtraCaCertificates } from ${JSON.stringify(resolve('src/util/extra-ca-certs.ts'))};
const srv = https.createServer({ key: readFileSync(${JSON.stringify(join(dir, 'key.pem'))}), cert: readFileSync(${JSON.stringify(join(dir, 'cert.pem'))}) }, (_q, r) => r.end('hi'));
await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
const url = 'https://localhost:' + (srv.address() as { port: number }).port + '/';
const viaFetch = () => fetch(url).then(async (r) => 'ok ' + await r.text(), (e) => 'refused ' + (e.cause?.code ?? e.message));
const viaHttps = () => new Promise((res) => https.get(url, (r) => { r.resume(); res('ok ' + r.statusCode); }).on('error', (e: NodeJS.ErrnoException) => res('refused ' + e.code)));
console.log('before fetch', await viaFetch());
const file = process.argv[2];
if (file) trustExtraCaCertificates(file);
console.log('after fetch', await viaFetch());
console.log('after https', await viaHttps());
srv.close();
`);
    const env = { ...process.env };
    delete env['NODE_EXTRA_CA_CERTS'];
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...(file ? [file] : [])], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    return { lines: r.stdout.trim().split('\n'), stderr: r.stderr };
  }

  test('its certificates are trusted by fetch() and https after the call, as Node would at start', () => {
    const { lines } = probe(join(dir, 'bundle.pem'));
    assert.deepEqual(lines, ['before fetch refused DEPTH_ZERO_SELF_SIGNED_CERT', 'after fetch ok hi', 'after https ok 200']);
  });

  test('without it, the self-signed server stays refused (the probe can fail)', () => {
    const { lines } = probe(undefined);
    assert.deepEqual(lines, ['before fetch refused DEPTH_ZERO_SELF_SIGNED_CERT', 'after fetch refused DEPTH_ZERO_SELF_SIGNED_CERT',
      'after https refused DEPTH_ZERO_SELF_SIGNED_CERT']);
  });

  test('a file that cannot be read: the warning Node gives, and Node\'s own roots only', () => {
    const missing = join(dir, 'missing.pem');
    const { lines, stderr } = probe(missing);
    assert.equal(lines[1], 'after fetch refused DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.match(stderr, new RegExp(`Ignoring extra certs from \`${missing}\`, load failed: ENOENT`));
  });
});
