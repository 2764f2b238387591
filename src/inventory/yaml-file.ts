/**
 * YAML as Ansible reads inventory-side files (group_vars/, host_vars/, YAML inventories): PyYAML
 * speaks YAML 1.1, so `yes`/`no`/`on`/`off` are booleans and `0644` is octal; duplicate keys keep
 * the last value; dates stay strings (Ansible prints them back as they were written);
 * `!unsafe` marks a plain string. Vault-encrypted data is refused with a located error.
 */
import { isAlias, LineCounter, parseDocument, type Document, type Node, type ScalarTag } from 'yaml';
import { InventoryError, type SourceLocation } from '../errors.js';

// PyYAML's implicit scalars (yaml/resolver.py), which are narrower than YAML 1.1's: `y`/`n` stay
// strings, a float needs a '.', `09` is a string.
const PY_BOOL: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (v) => typeof v === 'boolean',
  test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  resolve: (s) => /^(?:yes|true|on)$/i.test(s),
};
const PY_INT: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  identify: (v) => typeof v === 'number' && Number.isInteger(v),
  test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  resolve: (text) => {
    let v = text.replace(/_/g, '');
    const sign = v[0] === '-' ? -1 : 1;
    if (v[0] === '-' || v[0] === '+') v = v.slice(1);
    if (v === '0') return 0;
    if (v.startsWith('0b')) return sign * parseInt(v.slice(2), 2);
    if (v.startsWith('0x')) return sign * parseInt(v.slice(2), 16);
    if (v[0] === '0') return sign * parseInt(v, 8);
    if (v.includes(':')) return sign * v.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
    return sign * Number(v);
  },
};
const PY_FLOAT: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  identify: (v) => typeof v === 'number',
  test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  resolve: (text) => {
    let v = text.replace(/_/g, '').toLowerCase();
    const sign = v[0] === '-' ? -1 : 1;
    if (v[0] === '-' || v[0] === '+') v = v.slice(1);
    if (v === '.inf') return sign * Infinity;
    if (v === '.nan') return NaN;
    if (v.includes(':')) return sign * v.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
    return sign * Number(v);
  },
};
const REPLACED = new Set(['bool', 'int', 'float', 'timestamp'].map((t) => `tag:yaml.org,2002:${t}`));

const UNSAFE: ScalarTag = { tag: '!unsafe', resolve: (s) => s };
const VAULT: ScalarTag = {
  tag: '!vault',
  resolve: (s, onError) => {
    onError('vault-encrypted values (!vault) are not supported');
    return s;
  },
};

export interface YamlFile {
  doc: Document;
  /** Where a node starts in the file. */
  where(node: unknown): SourceLocation;
  /** The plain JavaScript value of a node (aliases resolved). */
  value(node: unknown): unknown;
  /** The node itself, with an alias replaced by what it points to. */
  deref(node: unknown): unknown;
}

/** Parses one YAML document, keeping positions. Throws InventoryError at file:line:col. */
export function parseYamlDocument(text: string, file: string): YamlFile {
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    throw new InventoryError(`${file} is vault-encrypted, which k8splay does not support`, { location: { file, line: 1 } });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter,
    customTags: (tags) => [
      ...tags.filter((t) => typeof t !== 'string' && !REPLACED.has(t.tag)),
      PY_BOOL,
      PY_INT,
      PY_FLOAT,
      UNSAFE,
      VAULT,
    ],
  });
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    throw new InventoryError(`YAML syntax error in ${file}: ${err.message.split('\n')[0]}`, {
      location: { file, line: pos.line, column: pos.col },
    });
  }
  const deref = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);
  return {
    doc,
    where(node) {
      const range = (node as Node | undefined)?.range;
      if (!range) return { file };
      const p = lineCounter.linePos(range[0]);
      return { file, line: p.line, column: p.col };
    },
    value(node) {
      const n = deref(node) as Node | null | undefined;
      return n && typeof n.toJS === 'function' ? n.toJS(doc, { maxAliasCount: 1000 }) : null;
    },
    deref,
  };
}

/** Parses one YAML document into plain values. Throws InventoryError at file:line:col. */
export function parseYamlFile(text: string, file: string): unknown {
  return parseYamlDocument(text, file).doc.toJS({ maxAliasCount: 1000 });
}

/** Whether a parsed value is a plain mapping. */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
