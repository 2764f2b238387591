/**
 * Small system collectors: cmdline, dns, env, loadavg, lsb, ssh_pub_keys, chroot,
 * iscsi, nvme, fibre_channel_wwn (Ansible's system/*.py and network/{iscsi,nvme,fc_wwn}.py).
 */
import type { RawGather } from '../output.js';
import { fileContent, fileLines } from '../output.js';
import { nonPosixWords, parseAssignments, posixWords } from '../shell-words.js';
import { parseDistroReleaseContent } from './distribution.js';

type Facts = Record<string, unknown>;

function parseCmdline(data: string, multi: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let words: string[];
  try {
    words = nonPosixWords(data);
  } catch {
    return out;
  }
  for (const piece of words) {
    const eq = piece.indexOf('=');
    if (eq < 0) { out[piece] = true; continue; }
    const k = piece.slice(0, eq);
    const v = piece.slice(eq + 1);
    if (multi && k in out) {
      const prev = out[k];
      out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
    } else {
      out[k] = v;
    }
  }
  return out;
}

export function cmdlineFacts(raw: RawGather): Facts {
  const data = fileContent(raw, '/proc/cmdline');
  if (!data) return {};
  return { cmdline: parseCmdline(data, false), proc_cmdline: parseCmdline(data, true) };
}

export function dnsFacts(raw: RawGather): Facts {
  const dns: Record<string, unknown> = {};
  for (const line of (fileContent(raw, '/etc/resolv.conf') ?? '').split('\n')) {
    if (line.startsWith('#') || line.startsWith(';') || line.trim() === '') continue;
    const t = line.trim().split(/\s+/);
    const rest = t.slice(1);
    switch (t[0]) {
      case 'nameserver':
        dns['nameservers'] = [...((dns['nameservers'] as string[] | undefined) ?? []), ...rest];
        break;
      case 'domain':
        if (rest.length) dns['domain'] = rest[0];
        break;
      case 'search':
        dns['search'] = rest;
        break;
      case 'sortlist':
        dns['sortlist'] = rest;
        break;
      case 'options': {
        const opts: Record<string, unknown> = {};
        for (const o of rest) {
          const c = o.indexOf(':');
          opts[c < 0 ? o : o.slice(0, c)] = c < 0 ? true : o.slice(c + 1) || true;
        }
        dns['options'] = opts;
        break;
      }
    }
  }
  return { dns };
}

/** The remote environment, from `export -p` (dash, bash-as-sh and busybox forms). */
export function remoteEnv(raw: RawGather): Record<string, string> {
  const env: Record<string, string> = {};
  const text = (raw.sections.get('env') ?? []).join('\n');
  for (const w of posixWords(text)) {
    const eq = w.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w.slice(0, eq))) env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return env;
}

export function envFacts(raw: RawGather): Facts {
  return { env: remoteEnv(raw) };
}

export function loadavgFacts(raw: RawGather): Facts {
  const w = (fileContent(raw, '/proc/loadavg') ?? '').split(/\s+/).map(Number);
  if (w.length < 3 || w.slice(0, 3).some((x) => Number.isNaN(x))) return {};
  return { loadavg: { '1m': w[0], '5m': w[1], '15m': w[2] } };
}

const STRIP_QUOTES = /^['"\\]+|['"\\]+$/g;

/**
 * lsb: Ansible runs `lsb_release -a` when it exists, else reads /etc/lsb-release. We never
 * spawn lsb_release (it is Python on some hosts); when it exists we answer what it would
 * print from the files it reads itself.
 */
export function lsbFacts(raw: RawGather): Facts {
  const lsb: Record<string, string> = {};
  const fromFile = () => {
    for (const line of fileLines(raw, '/etc/lsb-release')) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const value = line.slice(eq + 1).trim();
      if (line.includes('DISTRIB_ID')) lsb['id'] = value;
      else if (line.includes('DISTRIB_RELEASE')) lsb['release'] = value;
      else if (line.includes('DISTRIB_DESCRIPTION')) lsb['description'] = value;
      else if (line.includes('DISTRIB_CODENAME')) lsb['codename'] = value;
    }
  };
  if (raw.commands.has('lsb_release')) {
    const rh = fileContent(raw, '/etc/redhat-release');
    const os = parseAssignments(raw.files.get('/etc/os-release') ?? raw.files.get('/usr/lib/os-release') ?? '');
    if (fileContent(raw, '/etc/lsb-release')) {
      fromFile();
    } else if (rh) {
      const first = rh.split('\n')[0]!;
      const info = parseDistroReleaseContent(first);
      lsb['id'] = first.split(/\s+/)[0]!;
      lsb['description'] = first;
      if (info.version_id) lsb['release'] = info.version_id;
      if (info.codename) lsb['codename'] = info.codename;
    } else if (os.size) {
      let id = os.get('ID') ?? '';
      id = id ? id[0]!.toUpperCase() + id.slice(1) : id;
      const name = os.get('NAME');
      if (name !== undefined && name.toLowerCase() === id.toLowerCase()) id = name;
      lsb['id'] = id;
      lsb['description'] = os.get('PRETTY_NAME') ?? '';
      lsb['release'] = os.get('VERSION_ID') ?? '';
      lsb['codename'] = os.get('VERSION_CODENAME') ?? '';
    }
  } else {
    fromFile();
  }
  if ('release' in lsb) lsb['major_release'] = lsb['release']!.split('.')[0]!;
  for (const [k, v] of Object.entries(lsb)) {
    if (v) lsb[k] = v.replace(STRIP_QUOTES, '');
    else delete lsb[k];
  }
  return { lsb };
}

export function sshPubKeyFacts(raw: RawGather): Facts {
  const facts: Facts = {};
  for (const dir of ['/etc/ssh', '/etc/openssh', '/etc']) {
    for (const algo of ['dsa', 'rsa', 'ecdsa', 'ed25519']) {
      const name = `ssh_host_key_${algo}_public`;
      if (name in facts) return facts;
      const data = fileContent(raw, `${dir}/ssh_host_${algo}_key.pub`);
      if (data !== undefined) {
        const [type, key] = data.split(/\s+/);
        facts[name] = key;
        facts[`${name}_keytype`] = type;
      }
    }
  }
  return facts;
}

export function chrootFacts(raw: RawGather, env: Record<string, string>): Facts {
  if (env['debian_chroot']) return { is_chroot: true };
  const flag = raw.flags.get('chroot');
  if (flag !== undefined) return { is_chroot: flag === '1' };
  // Not root: /proc/1/root is closed to us; compare / with the root inode of its filesystem.
  const ino = Number((raw.sections.get('rootino')?.[0] ?? '').trim().split(/\s+/)[0]);
  if (!Number.isFinite(ino) || (raw.sections.get('rootino') ?? []).length === 0) return { is_chroot: false };
  // Type of the filesystem mounted last on "/" (what `stat -f /` would name).
  const rootLine = (raw.files.get('/proc/mounts') ?? '').split('\n').map((l) => l.split(' ')).filter((w) => w[1] === '/').pop();
  const fs = rootLine?.[2] ?? '';
  const fsRootIno = fs.includes('btrfs') ? 256 : fs.includes('xfs') ? 128 : 2;
  return { is_chroot: ino !== fsRootIno };
}

export function iscsiFacts(raw: RawGather): Facts {
  let iqn = '';
  for (const line of (fileContent(raw, '/etc/iscsi/initiatorname.iscsi') ?? '').split('\n')) {
    if (line.startsWith('#') || line.startsWith(';') || line.trim() === '') continue;
    if (line.startsWith('InitiatorName=')) { iqn = line.slice('InitiatorName='.length); break; }
  }
  return { iscsi_iqn: iqn };
}

export function nvmeFacts(raw: RawGather): Facts {
  let nqn = '';
  for (const line of (fileContent(raw, '/etc/nvme/hostnqn') ?? '').split('\n')) {
    if (line.startsWith('#') || line.startsWith(';') || line.trim() === '') continue;
    if (line.startsWith('nqn.')) { nqn = line; break; }
  }
  return { hostnqn: nqn };
}

export function fcWwnFacts(raw: RawGather): Facts {
  const wwn: string[] = [];
  for (const path of [...raw.files.keys()].filter((p) => /^\/sys\/class\/fc_host\/[^/]+\/port_name$/.test(p)).sort()) {
    for (const line of fileLines(raw, path)) wwn.push(line.trimEnd().slice(2));
  }
  return { fibre_channel_wwn: wwn };
}
