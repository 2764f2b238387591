/**
 * user and date_time collectors (Ansible's system/user.py and system/date_time.py).
 * date_time is computed from the host's epoch and UTC offset, printed by one `date` call.
 */
import type { RawGather } from '../output.js';

type Facts = Record<string, unknown>;

interface IdInfo { uid?: number; gid?: number; euid?: number; egid?: number; user?: string }

/** Parse `id` output: uid=0(root) gid=0(root) [euid=..] [egid=..] groups=... */
export function parseId(line: string): IdInfo {
  const out: IdInfo = {};
  for (const m of line.matchAll(/\b(uid|gid|euid|egid)=(\d+)(?:\(([^)]*)\))?/g)) {
    const n = Number(m[2]);
    if (m[1] === 'uid') { out.uid = n; if (m[3]) out.user = m[3]; }
    else if (m[1] === 'gid') out.gid = n;
    else if (m[1] === 'euid') out.euid = n;
    else out.egid = n;
  }
  return out;
}

/**
 * The ids `id` prints, from /proc/self/status (Uid: real effective saved fs; Gid: likewise)
 * where the script read that instead of running id. No user name: the passwd entry has it.
 */
export function statusIds(status: string): IdInfo {
  const out: IdInfo = {};
  const uid = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  const gid = /^Gid:\s+(\d+)\s+(\d+)/m.exec(status);
  if (uid) { out.uid = Number(uid[1]); if (uid[2] !== uid[1]) out.euid = Number(uid[2]); }
  if (gid) { out.gid = Number(gid[1]); if (gid[2] !== gid[1]) out.egid = Number(gid[2]); }
  return out;
}

function passwdEntry(raw: RawGather, name: string | undefined, uid: number | undefined): string[] | undefined {
  const fromGetent = (raw.sections.get('passwd') ?? []).find((l) => l.split(':').length >= 7);
  if (fromGetent) return fromGetent.split(':');
  // The script reads /etc/passwd for its own search; the file is the answer only without getent.
  if (raw.commands.has('getent')) return undefined;
  const rows = (raw.files.get('/etc/passwd') ?? '').split('\n').map((l) => l.split(':')).filter((r) => r.length >= 7);
  return (name ? rows.find((r) => r[0] === name) : undefined) ?? rows.find((r) => Number(r[2]) === uid);
}

export function userFacts(raw: RawGather, env: Record<string, string>): Facts {
  const id = raw.sections.has('id') ? parseId((raw.sections.get('id') ?? []).join(' ')) : statusIds(raw.files.get('/proc/self/status') ?? '');
  const envName = [env['LOGNAME'], env['USER'], env['LNAME'], env['USERNAME']].find((v) => v);
  const pw = passwdEntry(raw, envName, id.uid);
  const facts: Facts = { user_id: envName ?? pw?.[0] ?? id.user };
  if (pw) {
    facts['user_uid'] = Number(pw[2]);
    facts['user_gid'] = Number(pw[3]);
    facts['user_gecos'] = pw[4];
    facts['user_dir'] = pw[5];
    facts['user_shell'] = pw[6];
  }
  if (id.uid !== undefined) {
    facts['real_user_id'] = id.uid;
    facts['effective_user_id'] = id.euid ?? id.uid;
  }
  if (id.gid !== undefined) {
    facts['real_group_id'] = id.gid;
    // Ansible reports os.getgid() here, not the effective gid.
    facts['effective_group_id'] = id.gid;
  }
  return facts;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function offsetMinutes(z: string): number | undefined {
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(z);
  if (!m) return undefined;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}

/**
 * date_time facts from `date -f - '+%s %N %z %Z'` lines: now, mid-January, mid-July
 * (the last two give the zone's DST name like Python's time.tzname[1]).
 */
export function dateTimeFacts(raw: RawGather): Facts {
  const rows = (raw.sections.get('date') ?? []).map((l) => l.trim().split(/\s+/)).filter((r) => /^\d+$/.test(r[0] ?? ''));
  const now = rows[0];
  if (!now) return {};
  const epoch = Number(now[0]);
  const micro = /^\d{9}$/.test(now[1] ?? '') ? Math.floor(Number(now[1]) / 1000) : 0;
  const zone = now[2] ?? '+0000';
  const tz = now[3] ?? 'UTC';
  const off = offsetMinutes(zone) ?? 0;
  const local = new Date((epoch + off * 60) * 1000);
  const utc = new Date(epoch * 1000);
  const Y = local.getUTCFullYear();
  const mo = local.getUTCMonth() + 1;
  const d = local.getUTCDate();
  const H = local.getUTCHours();
  const M = local.getUTCMinutes();
  const S = local.getUTCSeconds();
  const wd = local.getUTCDay();
  // %W: week of the year with Monday as the first day (days before the first Monday are week 0).
  const yday = Math.floor((Date.UTC(Y, mo - 1, d) - Date.UTC(Y, 0, 1)) / 86400000);
  const weeknumber = Math.floor((yday + 7 - ((wd + 6) % 7)) / 7);
  let tzDst = tz;
  const jan = rows[1];
  const jul = rows[2];
  if (jan && jul && jan[3] && jul[3] && jan[3] !== jul[3]) {
    tzDst = (offsetMinutes(jul[2] ?? '') ?? 0) > (offsetMinutes(jan[2] ?? '') ?? 0) ? jul[3] : jan[3];
  }
  const iso = (t: Date) =>
    `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  const basic = `${Y}${pad(mo)}${pad(d)}T${pad(H)}${pad(M)}${pad(S)}`;
  return {
    date_time: {
      year: String(Y),
      month: pad(mo),
      weekday: WEEKDAYS[wd],
      weekday_number: String(wd),
      weeknumber: pad(weeknumber),
      day: pad(d),
      hour: pad(H),
      minute: pad(M),
      second: pad(S),
      epoch: String(epoch),
      epoch_int: String(epoch),
      date: `${Y}-${pad(mo)}-${pad(d)}`,
      time: `${pad(H)}:${pad(M)}:${pad(S)}`,
      iso8601_micro: `${iso(utc)}.${pad(micro, 6)}Z`,
      iso8601: `${iso(utc)}Z`,
      iso8601_basic: `${basic}${pad(micro, 6)}`,
      iso8601_basic_short: basic,
      tz,
      tz_dst: tzDst,
      tz_offset: zone,
    },
  };
}
