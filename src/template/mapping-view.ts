/**
 * A read-only mapping whose values are computed when read: `hostvars`, `hostvars[h]` and
 * `vars`. Templates index it like a dict; filters that need a plain object get
 * `materialize()`, which reads everything (expensive, so only done when unavoidable).
 */
export abstract class MappingView {
  /** Python type name shown by type_debug and in messages. */
  abstract readonly typeName: string;
  abstract keys(): string[];
  abstract has(key: string): boolean;
  /** The value, or an Undefined with Jinja's message when absent. */
  abstract get(key: string): unknown;
  abstract materialize(): Record<string, unknown>;
}

export function isMappingView(v: unknown): v is MappingView {
  return v instanceof MappingView;
}
