/**
 * The error thrown while a template is evaluated. Public functions turn it into a TemplateError
 * (src/errors.ts) carrying the template text and the caller's location; this one only carries
 * the reason, so nested renders (lazy variables) can tell an undefined name from a real fault.
 */

export type TemplateFaultKind = 'undefined' | 'syntax' | 'recursion' | 'type' | 'filter' | 'other';

export class TemplateFault extends Error {
  /** 1-based line in the template where it happened (set for multi-line templates). */
  line?: number;

  constructor(
    message: string,
    readonly kind: TemplateFaultKind = 'other',
    /** Extra lines for the final error (hints such as "did you mean"). */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'TemplateFault';
  }
}

/** A Python-like TypeError raised by an operator or filter. */
export function typeFault(message: string): TemplateFault {
  return new TemplateFault(message, 'type');
}
