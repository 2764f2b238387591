/**
 * Validators precompiled at build time, by key (see validators.ts). This file is the source
 * form: empty, so running from source compiles every schema at run time. The build replaces
 * its compiled form in dist/ with the generated table (build/validators.mjs).
 */
import type { ValidateFunction } from 'ajv';

/** Validator factories by key (validators.ts validatorKey). */
export const PRECOMPILED: Readonly<Record<string, () => ValidateFunction>> = {};
