import { ModuleLoadError } from '../errors.js';
import type { LoadedModule, ModuleDefinition } from './types.js';
import { suggest } from '../util/suggest.js';

/** Prefixes Ansible users write before built-in names (ansible.builtin.command -> command). */
const FQCN_PREFIXES = ['ansible.builtin.', 'ansible.posix.', 'community.general.', 'ansible.legacy.', 'k8splay.'];

/** Ansible module names that map onto a k8splay module of another name. */
const ANSIBLE_NAMES: Record<string, string> = {
  systemd_service: 'systemd',
  service: 'systemd',
  yum: 'yum_pkg',
  dnf: 'yum_pkg',
  yum_repository: 'yum_repo',
  mount: 'fstab',
};

/** Every module known to a run, by name. Two modules with one name is an error naming both. */
export class ModuleRegistry {
  private readonly modules = new Map<string, LoadedModule>();

  register(definition: ModuleDefinition, source: string): void {
    const existing = this.modules.get(definition.name);
    if (existing) {
      throw new ModuleLoadError(
        `module '${definition.name}' is defined twice: by ${existing.source} and by ${source}`,
        { details: ['rename one of them; module names must be unique in a run'] },
      );
    }
    this.modules.set(definition.name, { definition, source });
  }

  /** Resolve a name as written in a playbook (FQCN and Ansible names accepted). */
  resolve(name: string): LoadedModule | undefined {
    const direct = this.modules.get(name);
    if (direct) return direct;
    let short = name;
    for (const p of FQCN_PREFIXES) if (name.startsWith(p)) short = name.slice(p.length);
    return this.modules.get(short) ?? this.modules.get(ANSIBLE_NAMES[short] ?? '');
  }

  has(name: string): boolean {
    return this.resolve(name) !== undefined;
  }

  /** Closest known module name, for "did you mean". */
  suggest(name: string): string | undefined {
    return suggest(name, this.modules.keys());
  }

  names(): string[] {
    return [...this.modules.keys()].sort();
  }
}
