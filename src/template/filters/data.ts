/**
 * JSON and YAML filters shaped like Ansible's: to_json (Python's json.dumps defaults),
 * to_nice_json (indent 4, sorted keys), to_yaml (PyYAML's default: leaf collections in flow
 * style, sorted keys), to_nice_yaml (block style, indent 4), and the from_* parsers
 * (YAML 1.1, as PyYAML reads it: yes/no are booleans).
 */
import YAML from 'yaml';
import { pyJsonDumps } from '../py-json.js';
import { pyTruthy } from '../python.js';
import { filters, param } from './types.js';
import { filterFault, text } from './helpers.js';

function jsonOpts(kw: Record<string, unknown>, dflt: { indent?: number; sortKeys?: boolean; separators?: [string, string] }) {
  const sep = kw.separators as unknown[] | undefined;
  return {
    indent: (kw.indent as number | undefined) ?? dflt.indent,
    sortKeys: kw.sort_keys !== undefined ? pyTruthy(kw.sort_keys) : dflt.sortKeys,
    ensureAscii: kw.ensure_ascii !== undefined ? pyTruthy(kw.ensure_ascii) : true,
    separators: Array.isArray(sep) && sep.length === 2 ? ([String(sep[0]), String(sep[1])] as [string, string]) : dflt.separators,
  };
}

/**
 * Strings that YAML 1.1 readers (PyYAML, go-yaml v2 as used by Kubernetes) take for booleans,
 * base-60 numbers or dates: they must be quoted even though YAML 1.2 would not.
 */
const YAML11_SPECIAL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|\d{4}-\d\d?-\d\d?(?:[Tt ].*)?|=|<<)$/;

/** YAML text as PyYAML's yaml.dump writes it (close to it: quoting may differ in details). */
export function dumpYaml(value: unknown, opts: { indent: number; flowLeaves: boolean; sortKeys: boolean; width?: number }): string {
  const doc = new YAML.Document(value, { sortMapEntries: opts.sortKeys, aliasDuplicateObjects: false });
  YAML.visit(doc, {
    Scalar(_k, node) {
      if (typeof node.value === 'string' && YAML11_SPECIAL.test(node.value)) node.type = 'QUOTE_SINGLE';
    },
  });
  if (opts.flowLeaves) {
    YAML.visit(doc, {
      Map(_k, node) {
        if (node.items.every((p) => YAML.isScalar(p.value) || p.value === null)) node.flow = true;
      },
      Seq(_k, node) {
        if (node.items.every((i) => YAML.isScalar(i) || i === null)) node.flow = true;
      },
    });
  }
  return doc.toString({
    indent: opts.indent,
    indentSeq: false,
    singleQuote: true,
    flowCollectionPadding: false,
    lineWidth: opts.width ?? 80,
    minContentWidth: 0,
  });
}

export const dataFilters = filters({
  to_json: (_env, v, _args, kw) => pyJsonDumps(v, jsonOpts(kw, {})),
  to_nice_json: (_env, v, args, kw) =>
    pyJsonDumps(v, jsonOpts({ ...kw, indent: param(args, kw, 0, 'indent', 4) }, { sortKeys: true, separators: [',', ': '] })),
  tojson: (_env, v, args, kw) =>
    pyJsonDumps(v, { sortKeys: true, ensureAscii: true, indent: param<number | undefined>(args, kw, 0, 'indent') })
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/'/g, '\\u0027'),
  from_json: (_env, v) => {
    try {
      return JSON.parse(text(v));
    } catch (e) {
      throw filterFault(`from_json: ${(e as Error).message}`);
    }
  },
  to_yaml: (_env, v, _args, kw) =>
    dumpYaml(v, { indent: Number(kw.indent ?? 2), flowLeaves: kw.default_flow_style === undefined || kw.default_flow_style === null, sortKeys: kw.sort_keys === undefined || pyTruthy(kw.sort_keys), width: kw.width as number | undefined }),
  to_nice_yaml: (_env, v, args, kw) =>
    dumpYaml(v, { indent: Number(param(args, kw, 0, 'indent', 4)), flowLeaves: false, sortKeys: kw.sort_keys === undefined || pyTruthy(kw.sort_keys), width: kw.width as number | undefined }),
  from_yaml: (_env, v) => {
    if (typeof v !== 'string') return v;
    try {
      return YAML.parse(v, { version: '1.1' }) ?? null;
    } catch (e) {
      throw filterFault(`from_yaml: ${(e as Error).message}`);
    }
  },
  from_yaml_all: (_env, v) => {
    if (typeof v !== 'string') return v;
    const docs = YAML.parseAllDocuments(v, { version: '1.1' });
    const list = Array.isArray(docs) ? docs : [docs];
    return list.map((d) => {
      if (d.errors.length) throw filterFault(`from_yaml_all: ${d.errors[0]!.message}`);
      return d.toJS() ?? null;
    });
  },
});
