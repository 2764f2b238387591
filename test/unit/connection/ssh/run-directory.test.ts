// Relative key, known_hosts and config paths mean the run's directory. The connection keeper
// resolves jump hosts itself, in its own process, whose directory is not the run's (and a warm
// engine's run changes it meanwhile): it passes the run's as opts.cwd.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTarget } from '../../../../src/connection/ssh/settings.js';
import type { SshConnectionOptions } from '../../../../src/connection/ssh/options.js';

const home = mkdtempSync(join(tmpdir(), 'k8sp-sshcwd-'));
after(() => rmSync(home, { recursive: true, force: true }));
const config = join(home, 'config');
writeFileSync(config, [
  'Host bastion',
  '  IdentityFile keys/bastion_key',
  '  UserKnownHostsFile known/bastion ~/kh2',
  '  IdentityAgent agent.sock',
  '',
].join('\n'));

const base: SshConnectionOptions = {
  host: 'web1', homeDir: home, localUser: 'me', env: {}, configFiles: [config], globalKnownHostsFiles: [],
};
/** A directory that is not this process's: the run's, as the keeper is told it. */
const runDir = join(home, 'project');

test("a jump host's relative files are the run's directory's when opts.cwd says it", () => {
  assert.notEqual(process.cwd(), runDir);
  const hop = resolveTarget({ ...base, cwd: runDir }, { destination: 'bastion' });
  assert.deepEqual(hop.identityFiles.map((f) => f.path), [join(runDir, 'keys/bastion_key')]);
  assert.deepEqual(hop.hostKey.readFiles, [join(runDir, 'known/bastion'), join(home, 'kh2')]);
  assert.equal(hop.hostKey.writeFile, join(runDir, 'known/bastion'));
  assert.equal(hop.agentSocket, join(runDir, 'agent.sock'));
});

test('an -F config file given relative is read from the run directory', () => {
  writeFileSync(join(home, 'rel-config'), 'Host *\n  Port 2201\n');
  const t = resolveTarget({ ...base, cwd: home, vars: { ansible_ssh_common_args: '-F rel-config' } });
  assert.equal(t.port, 2201);
  assert.deepEqual(t.configFiles, [{ file: join(home, 'rel-config'), required: true }]);
});

test('without opts.cwd, paths stay as written (this process resolves them, as ssh does)', () => {
  const hop = resolveTarget(base, { destination: 'bastion' });
  assert.deepEqual(hop.identityFiles.map((f) => f.path), ['keys/bastion_key']);
  assert.equal(hop.hostKey.writeFile, 'known/bastion');
});
