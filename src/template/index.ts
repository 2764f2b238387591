/**
 * k8splay's Jinja2-compatible templating with Ansible's semantics, built on nunjucks' parser.
 *
 * @example
 * ```ts
 * renderValue('{{ ports | map("int") | list }}', { ports: ['80', '443'] }); // [80, 443]
 * evaluateCondition('result.rc != 0', { result: { rc: 1 } });              // true
 * ```
 */
export {
  renderValue,
  renderTemplate,
  evaluate,
  evaluateCondition,
  evaluateConditions,
  isTemplate,
  lazyVars,
  type RenderOptions,
  type TemplateFileOptions,
} from './render.js';
export { OMIT, removeOmitted } from './omit.js';
export { markUnsafe, isUnsafe } from './unsafe.js';
export { renderPurely, templateChanges } from './pure.js';
export { registerFilter, registerTest, filterNames, testNames } from './filters/registry.js';
export type { FilterFn, TestFn, FilterDef, TestDef, FilterEnv } from './filters/types.js';
export type { LookupFunction, LookupVars } from './context.js';
export { Undefined } from './undefined.js';
