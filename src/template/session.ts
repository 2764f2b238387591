/**
 * One public call's rendering state, and Ansible's rules for what a rendered string becomes:
 * a string that is one `{{ expr }}` gives the expression's value (list, dict, number, bool,
 * None); other text gives a string, which Ansible turns into a list/dict/bool when it reads
 * as a Python literal (`"[{{ a }}, {{ b }}]"`).
 */
import type { Scope, Session, SessionOptions } from './context.js';
import { newFrame } from './context.js';
import { compileTemplate, runText, type Program } from './compile.js';
import type { ParseMode } from './parse.js';
import { Undefined, undefinedFault } from './undefined.js';
import { toPlain } from './python.js';
import { literalEval } from './literal-eval.js';
import { HostVarsView, VarScope, isSettled, markClean } from './scope.js';

/** Playbook strings: Ansible's escape_backslashes and trim_blocks. */
export const VALUE_MODE: ParseMode = { literalBackslashesInVariables: true, trimBlocks: true, lstripBlocks: false };

function trailingNewlines(s: string): number {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\n'; i--) n++;
  return n;
}

/** Ansible keeps the template's trailing newlines even where Jinja2 dropped them. */
export function keepTrailingNewlines(source: string, result: string): string {
  const want = trailingNewlines(source);
  const have = trailingNewlines(result);
  return want > have ? result + '\n'.repeat(want - have) : result;
}

/** Ansible's ansible_eval_concat conversion of text that looks like a list, dict or bool. */
export function convertLiteral(s: string): unknown {
  const c = s.charCodeAt(0);
  if (c === 91 /* [ */ || c === 123 /* { */ || s === 'True' || s === 'False') {
    const r = literalEval(s);
    if (r.ok) return r.value;
  }
  return s;
}

const SINGLE_VAR = /^\{\{\s*\w*\s*\}\}$/;

/** str() of a Python number: integers as is, floats always with a fraction or exponent. */
function pythonNumberText(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
  return String(n);
}

function hasOuterWhitespace(s: string): boolean {
  return /^\s|\s$/.test(s);
}

/** Render a compiled program the way a variable or argument value is rendered. */
export function renderProgramValue(program: Program, scope: Scope, convertData: boolean): unknown {
  const ctx = { scope, frame: newFrame() };
  if (program.single) {
    let v = program.single(ctx);
    if (v instanceof Undefined) {
      if (!v.soft) throw undefinedFault(v);
      v = '';
    }
    if (typeof v !== 'string' || !hasOuterWhitespace(program.source)) {
      if (v === undefined) return null;
      v = toPlain(v, isSettled);
      // Ansible 2.14 (jinja2_native off) turns a lone expression's result into text and only
      // reads back lists, dicts and booleans: "{{ 1 + 1 }}" is the string '2'.
      // A bare `{{ name }}` keeps the variable's type (Ansible's single-variable shortcut).
      if (convertData && typeof v === 'number' && !program.keepsText && !SINGLE_VAR.test(program.source)) v = pythonNumberText(v);
      if (convertData && typeof v === 'string' && !program.keepsText) return convertLiteral(v);
      return markClean(v);
    }
  }
  const text = keepTrailingNewlines(program.source, runText(program, ctx));
  return convertData ? convertLiteral(text) : text;
}

export class RenderSession implements Session {
  private views?: WeakMap<object, HostVarsView>;

  constructor(readonly opts: SessionOptions) {}

  renderVariable(text: string, scope: Scope): unknown {
    return renderProgramValue(compileTemplate(text, VALUE_MODE), scope, true);
  }

  hostvarsView(raw: object, from: Scope): unknown {
    this.views ??= new WeakMap();
    let v = this.views.get(raw);
    if (!v) {
      v = new HostVarsView(raw as Record<string, unknown>, this, from as VarScope);
      this.views.set(raw, v);
    }
    return v;
  }
}
