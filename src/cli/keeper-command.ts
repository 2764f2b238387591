/**
 * `k8splay keeper status|stop`: the connection keeper of the control directory
 * (K8SPLAY_CONTROL_PATH_DIR, ANSIBLE_SSH_CONTROL_PATH_DIR or ~/.k8splay/cp), which keeps ssh
 * connections open between runs like Ansible's ControlPersist. `stop` closes them now (what
 * `ssh -O exit` does for Ansible's masters).
 */
import type { Writable } from 'node:stream';
import { OptionsError } from '../errors.js';
import { controlDir, keeperStatus, stopKeepers } from '../connection/keeper/index.js';
import type { EngineState } from '../connection/keeper/protocol.js';
import { PROGRAM } from './args.js';

export function keeperHelp(): string {
  return [
    `usage: ${PROGRAM} keeper status|stop`,
    '',
    'ssh connections are kept open after a run for the next one (Ansible\'s ControlPersist=60s),',
    'by a background process per control directory: the connection keeper.',
    '',
    '  status    list the kept connections (and the warm engine that runs commands for k8splay)',
    '  stop      close them and end the keeper',
    '',
    'Control directory: K8SPLAY_CONTROL_PATH_DIR, else ANSIBLE_SSH_CONTROL_PATH_DIR, else ~/.k8splay/cp.',
    'K8SPLAY_CONTROL_PERSIST=SECONDS sets how long connections are kept (0: not at all); a host\'s',
    'ssh args decide for it (ansible_ssh_args with -o ControlPersist=... or ControlMaster=no).',
    '',
  ].join('\n');
}

function engineLine(e: EngineState): string {
  if (e.retired) return `retired (${e.retired}), ${e.served} run(s) served`;
  if (!e.loaded) return 'not loaded';
  return `${e.busy ? 'running a command' : 'ready'}, ${e.served} run(s) served`;
}

/** Run `k8splay keeper ARGV`. Returns the exit code. */
export async function keeperCommand(argv: string[], out: Writable, env: NodeJS.ProcessEnv): Promise<number> {
  const action = argv[0];
  if (action === undefined || action === '--help' || action === '-h') {
    out.write(keeperHelp());
    return action === undefined ? 5 : 0;
  }
  if (argv.length > 1) throw new OptionsError(`keeper ${action}: unexpected argument '${argv[1]}'`);
  const dir = controlDir({}, env);
  if (action === 'status') {
    const keepers = await keeperStatus(dir);
    if (!keepers.length) out.write(`no connection keeper running in ${dir}\n`);
    for (const k of keepers) {
      out.write(`keeper pid ${k.pid} in ${dir}: ${k.connections.length} connection(s)\n`);
      for (const c of k.connections) {
        const state = c.users ? `in use (${c.users})` : `idle ${Math.round(c.idleMs / 1000)}s`;
        const parked = c.parked ? `, ${c.parked} shell(s) kept` : '';
        out.write(`  ${c.user}@${c.host}:${c.port}  ${state}, reused ${c.reuses} time(s)${parked}\n`);
      }
      if (k.engine) out.write(`  warm engine: ${engineLine(k.engine)}\n`);
    }
    return 0;
  }
  if (action === 'stop') {
    const n = await stopKeepers(dir);
    out.write(n ? `stopped ${n} connection keeper(s) in ${dir}\n` : `no connection keeper running in ${dir}\n`);
    return 0;
  }
  throw new OptionsError(`unknown keeper action '${action}': use status or stop`);
}
