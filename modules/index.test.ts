import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from './index.js';

test('built-in modules: unique names, object schemas, controller modules have no apply', () => {
  const names = builtinModules.map((m) => m.name);
  assert.equal(new Set(names).size, names.length);
  for (const expected of ['command', 'shell', 'copy', 'file', 'lineinfile', 'debug', 'set_fact', 'assert', 'fail', 'stat', 'slurp', 'ping']) {
    assert.ok(names.includes(expected), expected);
  }
  for (const m of builtinModules) {
    assert.equal(m.schema.type, 'object', m.name);
    if (m.target === 'controller') assert.equal(m.apply, undefined, m.name);
    for (const [k, p] of Object.entries(m.schema.properties ?? {})) {
      const aliases = (p as { 'x-aliases'?: string[] })['x-aliases'] ?? [];
      for (const a of aliases) assert.ok(!(a in (m.schema.properties ?? {})), `${m.name}: alias ${a} of ${k} is also a property`);
      const d = (p as { default?: unknown; enum?: unknown[] });
      if (d.enum && d.default !== undefined) assert.ok(d.enum.includes(d.default), `${m.name}.${k} default not in choices`);
    }
  }
});
