/**
 * `k8splay sandbox prepare|up|status|down`: the command-line face of the sandbox.
 *
 *   prepare                       build the root filesystem and package repository (cached)
 *   up     -i INVENTORY [--name N] [--hosts a,b] [--no-repo]
 *   status [-i INVENTORY | --name N] [--json]   (no name: list every sandbox)
 *   down   -i INVENTORY | --name N | --all
 */
import { parseArgs } from 'node:util';
import { errorMessage, isK8splayError, OptionsError } from '../errors.js';
import { loadInventory } from '../inventory/index.js';
import { sandboxDown, sandboxDownAll } from './down.js';
import { defaultSandboxName } from './names.js';
import { ensurePackageRepo } from './package-repo.js';
import { ensureRootfs } from './rootfs.js';
import { listSandboxNames, readState } from './state.js';
import { sandboxStatus } from './status.js';
import { sandboxUp } from './up.js';

const USAGE = `usage: k8splay sandbox prepare
       k8splay sandbox up     -i INVENTORY [--name NAME] [--hosts a,b,...] [--no-repo]
       k8splay sandbox up     --name NAME --hosts a,b,...
       k8splay sandbox status [-i INVENTORY | --name NAME] [--json]
       k8splay sandbox down   -i INVENTORY | --name NAME | --all`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        inventory: { type: 'string', short: 'i', multiple: true },
        name: { type: 'string' },
        hosts: { type: 'string' },
        'no-repo': { type: 'boolean' },
        json: { type: 'boolean' },
        all: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new OptionsError((e as Error).message, { details: [USAGE] });
  }
}

function out(line: string): void {
  process.stdout.write(line + '\n');
}

/** Runs a `sandbox` subcommand; resolves with the process exit code. */
export async function sandboxCommand(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    process.stderr.write(`ERROR! ${errorMessage(e)}\n`);
    if (!isK8splayError(e) && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return e instanceof OptionsError ? 5 : 1;
  }
}

async function run(argv: string[]): Promise<number> {
  const { values: o, positionals } = parse(argv);
  const [sub, ...extra] = positionals;
  if (o.help || !sub) { out(USAGE); return o.help ? 0 : 5; }
  if (extra.length) throw new OptionsError(`unexpected argument '${extra[0]}'`, { details: [USAGE] });
  const progress = o.quiet ? () => {} : undefined;
  const sources = o.inventory ?? [];
  const name = o.name ?? (sources.length ? defaultSandboxName(sources[0]!) : undefined);
  const hostList = o.hosts?.split(',').map((h) => h.trim()).filter(Boolean);

  switch (sub) {
    case 'prepare': {
      const root = await ensureRootfs(progress ? { progress } : {});
      const repo = await ensurePackageRepo(progress ? { progress } : {});
      out(`root filesystem: ${root.dir}`);
      out(`package repository: ${repo}`);
      return 0;
    }
    case 'up': {
      if (!name) throw new OptionsError('sandbox up needs -i INVENTORY or --name NAME', { details: [USAGE] });
      const inventory = sources.length ? await loadInventory(sources) : undefined;
      if (!inventory && !hostList) throw new OptionsError('sandbox up needs -i INVENTORY or --hosts a,b,...', { details: [USAGE] });
      const st = await sandboxUp({
        name, sources,
        ...(inventory ? { inventory } : {}),
        ...(hostList ? { hosts: hostList.map((h) => ({ name: h })) } : {}),
        ...(progress ? { progress } : {}),
        repo: !o['no-repo'],
      });
      out(`sandbox '${st.name}' ${st.reused ? 'already up' : 'up'}: ${st.hosts.length} hosts on ${st.bridge} (${st.subnet})`);
      out(`inventory: ${st.inventory}`);
      return 0;
    }
    case 'status': {
      if (!name) {
        const names = listSandboxNames();
        if (o.json) { out(JSON.stringify(names.map((n) => readState(n) ?? { name: n, status: 'broken' }), null, 2)); return 0; }
        if (!names.length) out('no sandboxes');
        for (const n of names) {
          const s = readState(n);
          out(s ? `${n}\t${s.status}\t${s.hosts.length} hosts\t${s.subnet}\t${s.inventory}` : `${n}\tbroken (no state file; run: k8splay sandbox down --name ${n})`);
        }
        return 0;
      }
      const st = await sandboxStatus(name);
      if (!st) { process.stderr.write(`no sandbox named '${name}'\n`); return 1; }
      if (o.json) { out(JSON.stringify(st, null, 2)); return st.healthy ? 0 : 1; }
      out(`sandbox '${name}': ${st.healthy ? 'up' : 'NOT HEALTHY'} (${st.state.subnet} on ${st.state.bridge}, created ${st.state.created})`);
      const width = Math.max(...st.hosts.map((h) => h.name.length));
      for (const h of st.hosts) {
        out(`  ${h.name.padEnd(width)}  ${h.address.padEnd(15)}  ${h.running ? 'running' : 'STOPPED'}  ssh ${h.ssh ? 'ok' : 'NO ANSWER'}`);
      }
      if (st.state.repo) out(`  package repository ${st.state.repo.url} ${st.repo ? 'running' : 'STOPPED'}`);
      out(`  inventory: ${st.state.inventory}`);
      return st.healthy ? 0 : 1;
    }
    case 'down': {
      if (o.all) {
        const names = await sandboxDownAll(progress ? { progress } : {});
        if (!names.length) out('no sandboxes');
        return 0;
      }
      if (!name) throw new OptionsError('sandbox down needs -i INVENTORY, --name NAME or --all', { details: [USAGE] });
      if (await sandboxDown(name, progress ? { progress } : {})) return 0;
      process.stderr.write(`no sandbox named '${name}'\n`);
      return 1;
    }
    default:
      throw new OptionsError(`unknown sandbox command '${sub}'`, { details: [USAGE] });
  }
}
