/**
 * Finds the Debian mirror the controller's apt already uses, so the root filesystem comes from
 * the same place (never a hard-coded host).
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SandboxError } from './errors.js';

export interface AptMirror {
  /** e.g. http://deb.debian.org/debian */
  uri: string;
  /** The release codename, e.g. bookworm. */
  suite: string;
  /** The file it was read from. */
  source: string;
}

interface AptEntry { types: string[]; uris: string[]; suites: string[]; components: string[]; source: string }

/** Parses deb822 `.sources` text into entries (comments and disabled stanzas skipped). */
export function parseDeb822Sources(text: string, source: string): AptEntry[] {
  const out: AptEntry[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#')) continue;
      if (/^\s/.test(raw) && last) { fields.set(last, `${fields.get(last)} ${raw.trim()}`); continue; }
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (m) { last = m[1]!.toLowerCase(); fields.set(last, m[2]!.trim()); }
    }
    if (!fields.has('uris') || fields.get('enabled')?.toLowerCase() === 'no') continue;
    const words = (k: string): string[] => (fields.get(k) ?? '').split(/\s+/).filter(Boolean);
    out.push({ types: words('types'), uris: words('uris'), suites: words('suites'), components: words('components'), source });
  }
  return out;
}

/** Parses one-line `sources.list` text (`deb [options] URI suite components...`). */
export function parseOneLineSources(text: string, source: string): AptEntry[] {
  const out: AptEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').replace(/\[[^\]]*\]/, '').trim();
    const parts = line.split(/\s+/);
    if (parts.length < 3 || (parts[0] !== 'deb' && parts[0] !== 'deb-src')) continue;
    out.push({ types: [parts[0]], uris: [parts[1]!], suites: [parts[2]!], components: parts.slice(3), source });
  }
  return out;
}

/** The release codename of the controller (/etc/os-release), if any. */
function controllerCodename(etc: string): string | undefined {
  const f = join(etc, 'os-release');
  if (!existsSync(f)) return undefined;
  return /^VERSION_CODENAME=["']?([^"'\n]+)/m.exec(readFileSync(f, 'utf8'))?.[1];
}

/**
 * The mirror for the main archive: a `deb` entry whose suite is a plain codename (not
 * -updates or -security), preferring the controller's own release.
 * @param etc where apt's configuration lives (a test passes a temp dir)
 */
export function findAptMirror(etc = '/etc'): AptMirror {
  const entries: AptEntry[] = [];
  const dir = join(etc, 'apt', 'sources.list.d');
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) {
      const p = join(dir, f);
      if (f.endsWith('.sources')) entries.push(...parseDeb822Sources(readFileSync(p, 'utf8'), p));
      else if (f.endsWith('.list')) entries.push(...parseOneLineSources(readFileSync(p, 'utf8'), p));
    }
  }
  const list = join(etc, 'apt', 'sources.list');
  if (existsSync(list)) entries.push(...parseOneLineSources(readFileSync(list, 'utf8'), list));
  const codename = controllerCodename(etc);
  const candidates: AptMirror[] = [];
  for (const e of entries) {
    if (!e.types.includes('deb') || (e.components.length > 0 && !e.components.includes('main'))) continue;
    for (const suite of e.suites) {
      if (suite.includes('-') || suite.includes('/')) continue;
      for (const uri of e.uris) if (/^https?:\/\//.test(uri)) candidates.push({ uri: uri.replace(/\/+$/, ''), suite, source: e.source });
    }
  }
  const best = candidates.find((c) => c.suite === codename) ?? candidates[0];
  if (!best) {
    throw new SandboxError('no Debian mirror found in the apt sources', {
      details: [`looked in ${dir}/*.sources|*.list and ${list} for a "deb" entry with a release suite and component main`],
    });
  }
  return best;
}
