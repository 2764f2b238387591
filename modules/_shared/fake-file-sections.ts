/**
 * For module unit tests: answers the path sections modules read in one round trip
 * (typeProbeCommand, probeCommand, fileContentSection, and readFileCommand behind an
 * `if [ -f PATH ]`) from a fake context's in-memory files, so fakes need not know their
 * shell text.
 */
import type { FakeCommand, FakeContext, FakeFile } from '../../test/helpers/fake-context.js';
import { answerSections, sectionCommands } from './read-sections.js';
import { shlexSplit } from './shlex.js';

/** The path in the first `[ -X PATH ]` test of a command (or in probeCommand's `set --`). */
export function sectionPath(command: string): string {
  const set = /^\( set -- ((?:'[^']*'|\\.|[^\s;])+);/.exec(command);
  if (set) return shlexSplit(set[1]!)[0]!;
  const m = /\[ !? ?-[a-zA-Z] ((?:'[^']*'|\\.|[^\s\]])+) \]/.exec(command);
  if (!m) throw new Error(`fake file sections: no path in ${command}`);
  return shlexSplit(m[1]!)[0]!;
}

function typeLetter(f: FakeFile | undefined): string {
  if (!f) return 'N';
  return ({ file: 'F', directory: 'D', link: 'L', other: 'O' } as const)[f.type ?? 'file'];
}

/** probeCommand's stat line for a fake file (the format of modules/_shared/probe.ts). */
function probeLine(f: FakeFile): string {
  const type = { file: 'regular file', directory: 'directory', link: 'symbolic link', other: 'fifo' }[f.type ?? 'file'];
  const mode = parseInt(f.mode ?? (f.type === 'directory' ? '0755' : f.type === 'link' ? '0777' : '0644'), 8).toString(8);
  const size = f.content !== undefined ? Buffer.byteLength(f.content) : 0;
  const line = [type, mode, f.owner ?? 'root', f.group ?? 'root', f.uid ?? 0, f.gid ?? 0, size, f.nlink ?? 1, f.inode ?? 1000, 0, 0].join('|');
  return `${line}\n${f.type === 'link' ? `${f.linkTarget}\n` : ''}`;
}

/**
 * The answer a host would give to one section command about a path, or undefined when the
 * command is none of the shared path sections. Links are followed to their target in the
 * fake (one level) for content reads.
 */
export function answerFileSection(command: string, host: FakeContext): { out: string; rc: number } | undefined {
  const path = sectionPath(command);
  const f = host.files.get(path);
  if (command.startsWith('( set -- ')) return { out: f ? probeLine(f) : '', rc: 0 };
  if (command.startsWith('if [ -L ')) return { out: typeLetter(f), rc: 0 };
  const target = f?.type === 'link' && f.linkTarget ? host.files.get(f.linkTarget) : f;
  if (command.startsWith('if [ -d ') && command.includes('printf R')) {
    if (target?.type === 'directory') return { out: 'D', rc: 0 };
    if (!target) return { out: 'N', rc: 0 };
    return { out: `F${target.content?.toString() ?? ''}`, rc: 0 };
  }
  // `if [ -f PATH ]; then <readFileCommand>; fi`: nothing at all for anything but a file.
  if (command.startsWith('if [ -f ') && command.includes('k8sp_rb= ')) {
    return { out: target?.type === 'file' ? target.content?.toString() ?? '' : '', rc: 0 };
  }
  return undefined;
}

/**
 * A scripted command answering a whole read-sections script made of path sections (for
 * fakeContext's `commands`). A section it does not know fails the test.
 */
export function fileSectionsCommand(): FakeCommand {
  return {
    match: /^printf '%s\\n' '@@[0-9a-f]+ /,
    respond: (cmd, _o, host) => {
      const answers: Record<string, { out: string; rc: number }> = {};
      for (const [name, command] of Object.entries(sectionCommands(cmd))) {
        const a = answerFileSection(command, host);
        if (!a) throw new Error(`fake file sections: section ${name} is not a path section: ${command}`);
        answers[name] = a;
      }
      return { stdout: answerSections(cmd, answers) };
    },
  };
}
