/**
 * Helpers for playbook tests: temporary projects, positions found in source text, and
 * assertions on collected errors.
 */
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import assert from 'node:assert/strict';
import { loadPlaybook } from '../../../src/playbook/index.js';
import type { Playbook, Node, TaskNode, BlockNode } from '../../../src/playbook/model.js';
import { K8splayError } from '../../../src/errors.js';
import { PlaybookErrorList } from '../../../src/playbook/diagnostics.js';
import { testRegistry } from './registry.js';

/** Write files into a new temporary directory; returns its path. */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'k8splay-pb-'));
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}

export function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Load `site.yml` of a temporary project made of `files` (cwd = the project). */
export async function loadFiles(files: Record<string, string>): Promise<Playbook> {
  const dir = project(files);
  try {
    return await loadPlaybook('site.yml', { registry: testRegistry(), cwd: dir });
  } finally {
    remove(dir);
  }
}

/** Load a one-file playbook. */
export function loadText(text: string): Promise<Playbook> {
  return loadFiles({ 'site.yml': text });
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<K8splayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof K8splayError, `expected a K8splayError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

/** The error `fn` throws (fails when it returns). */
export function thrown(fn: () => unknown): K8splayError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof K8splayError, `expected a K8splayError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

/** Messages of an error, one per collected error. */
export function messages(e: K8splayError): string[] {
  return e instanceof PlaybookErrorList ? e.errors.map((x) => x.message) : [e.message];
}

/** 1-based line and column of the `nth` (0-based) occurrence of `needle` in `text`. */
export function posOf(text: string, needle: string, nth = 0): { line: number; column: number } {
  let i = -1;
  for (let n = 0; n <= nth; n++) {
    i = text.indexOf(needle, i + 1);
    assert.notEqual(i, -1, `'${needle}' (#${nth}) not in text`);
  }
  const before = text.slice(0, i);
  const line = before.split('\n').length;
  const column = i - before.lastIndexOf('\n');
  return { line, column };
}

export function tasksOf(nodes: Node[]): TaskNode[] {
  return nodes.filter((n): n is TaskNode => n.kind === 'task');
}

export function asBlock(n: Node | undefined): BlockNode {
  assert.ok(n && n.kind === 'block', `expected a block, got ${n?.kind}`);
  return n;
}

export function asTask(n: Node | undefined): TaskNode {
  assert.ok(n && n.kind === 'task', `expected a task, got ${n?.kind}`);
  return n;
}
