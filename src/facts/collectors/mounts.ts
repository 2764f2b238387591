/**
 * mounts fact (Ansible's LinuxHardware.get_mount_facts): /etc/mtab or /proc/mounts, sizes from
 * one `stat -f` over every mount point, UUIDs from /dev/disk/by-uuid, bind mounts the way
 * findmnt shows them (a filesystem root other than "/" in mountinfo).
 */
import type { RawGather } from '../output.js';
import { pathExists } from '../output.js';

type Facts = Record<string, unknown>;

/** Replace the \NNN octal escapes /proc/mounts uses for spaces, tabs and backslashes. */
export function unescapeOctal(s: string): string {
  return s.replace(/\\[0-7]{3}/g, (m) => String.fromCharCode(parseInt(m.slice(1), 8)));
}

interface StatFs { frsize: number; bsize: number; blocks: number; bavail: number; files: number; ffree: number }

function statfsByPath(raw: RawGather): { byPath: Map<string, StatFs>; rc: number | undefined } {
  const byPath = new Map<string, StatFs>();
  let rc: number | undefined;
  for (const line of raw.sections.get('statfs') ?? []) {
    if (line.startsWith('@@rc ')) { rc = Number(line.slice(5)); continue; }
    const m = /^(\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (.*)$/.exec(line);
    if (!m) continue;
    byPath.set(m[7]!, {
      frsize: Number(m[1]), bsize: Number(m[2]), blocks: Number(m[3]),
      bavail: Number(m[4]), files: Number(m[5]), ffree: Number(m[6]),
    });
  }
  return { byPath, rc };
}

/** Device path -> filesystem UUID, as `lsblk --paths -o NAME,UUID` would report. */
function uuidsByDevice(raw: RawGather): Map<string, string> {
  const dmNames = new Map<string, string>();
  for (const [path, content] of raw.files) {
    const m = /^\/sys\/block\/(dm-\d+)\/dm\/name$/.exec(path);
    if (m && content.trim()) dmNames.set(m[1]!, content.trim());
  }
  const out = new Map<string, string>();
  // `ls -l /dev/disk/by-uuid` (byuuid), or the script's one `ls -ld` of all links (links).
  const lines = raw.sections.has('byuuid')
    ? raw.sections.get('byuuid')!
    : (raw.sections.get('links') ?? []).filter((l) => l.includes(' /dev/disk/by-uuid/'));
  for (const line of lines) {
    const m = /\s(?:\/dev\/disk\/by-uuid\/)?(\S+) -> (\S+)$/.exec(line);
    if (!m) continue;
    const kernelName = m[2]!.split('/').pop()!;
    const dev = dmNames.has(kernelName) ? `/dev/mapper/${dmNames.get(kernelName)}` : `/dev/${kernelName}`;
    if (!out.has(dev)) out.set(dev, m[1]!);
  }
  return out;
}

function bindMounts(raw: RawGather): Set<string> {
  const out = new Set<string>();
  if (!raw.commands.has('findmnt')) return out;
  for (const line of (raw.files.get('/proc/self/mountinfo') ?? '').split('\n')) {
    const f = line.split(' ');
    if (f.length < 5) continue;
    if (f[3] !== '/') out.add(unescapeOctal(f[4]!));
  }
  return out;
}

export function mountFacts(raw: RawGather): { facts: Facts; warnings: string[] } {
  const warnings: string[] = [];
  const mtab = pathExists(raw, '/etc/mtab') && raw.files.has('/etc/mtab') ? raw.files.get('/etc/mtab')! : raw.files.get('/proc/mounts') ?? '';
  const { byPath, rc } = statfsByPath(raw);
  const timedOut = rc === 124 || rc === 137;
  const uuids = uuidsByDevice(raw);
  const binds = bindMounts(raw);
  const results = new Map<string, Record<string, unknown>>();
  for (const line of mtab.split('\n')) {
    const raw4 = line.trim().split(/\s+/);
    if (raw4.length < 4) continue;
    const [device, mount, fstype, options] = raw4.map(unescapeOctal) as [string, string, string, string];
    if ((!(device.startsWith('/') || device.startsWith('\\')) && !device.includes(':/')) || fstype === 'none') continue;
    const info: Record<string, unknown> = { mount, device, fstype, options };
    if (binds.has(mount) && !/.*bind.*"/.test(options)) info['options'] = `${options},bind`;
    const st = byPath.get(mount);
    if (st) {
      info['size_total'] = st.frsize * st.blocks;
      info['size_available'] = st.frsize * st.bavail;
      info['block_size'] = st.bsize;
      info['block_total'] = st.blocks;
      info['block_available'] = st.bavail;
      info['block_used'] = st.blocks - st.bavail;
      info['inode_total'] = st.files;
      info['inode_available'] = st.ffree;
      info['inode_used'] = st.files - st.ffree;
      info['uuid'] = uuids.get(device) ?? 'N/A';
    } else if (timedOut) {
      warnings.push(`Timeout exceeded when getting mount info for ${mount}`);
      info['note'] = 'Could not get extra information due to timeout';
    } else {
      info['uuid'] = uuids.get(device) ?? 'N/A';
    }
    results.set(mount, info);
  }
  return { facts: { mounts: [...results.values()] }, warnings };
}
