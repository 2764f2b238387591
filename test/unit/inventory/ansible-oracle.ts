/**
 * Asks the installed Ansible (through its own Python) what it does, so tests can compare
 * k8splay's inventory code with the real thing. Everything here returns undefined when
 * Ansible is not installed; tests then skip with a visible reason.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const NO_ANSIBLE = 'ansible-core is not installed (ansible-inventory not on PATH)';

function which(cmd: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

let cachedPython: string | null | undefined;

/** The Python interpreter ansible-inventory runs with (from its shebang), if it can import ansible. */
export function ansiblePython(): string | undefined {
  if (cachedPython !== undefined) return cachedPython ?? undefined;
  cachedPython = null;
  const exe = which('ansible-inventory');
  if (exe) {
    const first = readFileSync(exe, 'utf8').split('\n')[0] ?? '';
    const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
    const py = m ? (m[1]!.endsWith('/env') ? m[2] : m[1]) : undefined;
    if (py && spawnSync(py, ['-c', 'import ansible'], { encoding: 'utf8' }).status === 0) cachedPython = py;
  }
  return cachedPython ?? undefined;
}

/** Whether the ansible-inventory command is there. */
export function hasAnsibleInventory(): boolean {
  return which('ansible-inventory') !== undefined;
}

/**
 * Runs a Python snippet with Ansible importable. The snippet reads `DATA` (the JSON-decoded
 * input) and must `print(json.dumps(...))`. Runs in a fresh temp folder.
 */
export function runAnsiblePython(snippet: string, data: unknown): unknown {
  const py = ansiblePython();
  if (!py) return undefined;
  const cwd = mkdtempSync(join(tmpdir(), 'k8splay-oracle-'));
  try {
    const script = `import json, sys\nDATA = json.loads(sys.stdin.read())\n${snippet}`;
    const r = spawnSync(py, ['-c', script], {
      input: JSON.stringify(data),
      encoding: 'utf8',
      cwd,
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'True' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`ansible python failed: ${r.stderr}`);
    const lines = r.stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1]!);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
