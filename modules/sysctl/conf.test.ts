import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { editConf, effectiveValue, parseConf } from './conf.js';
import { normaliseValue, procPath, sameKey, valuesEqual } from './keys.js';

test('procPath follows procps slashdot: the first separator decides', () => {
  assert.equal(procPath('net.ipv4.ip_forward'), 'net/ipv4/ip_forward');
  assert.equal(procPath('net/ipv4/ip_forward'), 'net/ipv4/ip_forward');
  assert.equal(procPath('net.ipv4.conf.eth0/100.forwarding'), 'net/ipv4/conf/eth0.100/forwarding');
  assert.equal(procPath('net/ipv4/conf/eth0.100/forwarding'), 'net/ipv4/conf/eth0.100/forwarding');
  assert.ok(sameKey('-net.ipv4.ip_forward', 'net/ipv4/ip_forward'));
  assert.ok(!sameKey('net.ipv4.ip_forward', 'net.ipv4.ip_forwarding'));
});

test('values: Ansible booleans, numbers, word-wise equality', () => {
  assert.equal(normaliseValue(true), '1');
  assert.equal(normaliseValue('Off'), '0');
  assert.equal(normaliseValue(5), '5');
  assert.equal(normaliseValue(' bbr '), 'bbr');
  assert.ok(valuesEqual('1024\t65000', ' 1024 65000 '));
  assert.ok(!valuesEqual('1024 65000', '1024'));
});

test('parse as sysctl -p: comments (# ;), short lines, lines without "=" and empty values do not count', () => {
  const c = parseConf('# a=1\n; b=2\nx\nc\n=\nd =\n e = 5 6 \nf=7');
  assert.deepEqual(c.entries.map((e) => [e.key, e.value, e.line]), [['e', '5 6', 7], ['f', '7', 8]]);
  assert.deepEqual(c.emptyEntries.map((e) => e.key), ['d']);
  assert.equal(effectiveValue(parseConf('a=1\na = 2\n'), 'a'), '2');
});

test('a missing final newline is added before an appended line', () => {
  assert.equal(editConf('a=1', 'b', '2').text, 'a=1\nb=2\n');
  assert.equal(editConf('', 'b', '2').text, 'b=2\n');
  assert.equal(editConf('d =\n', 'd', '2').text, 'd =2\n');
});

// Random files of comments, blank lines and keys from a small set (so duplicates are common).
const keyArb = fc.constantFrom('net.ipv4.ip_forward', 'vm.swappiness', 'kernel.pid_max', 'net/ipv4/ip_forward');
const lineArb = fc.oneof(
  fc.tuple(keyArb, fc.constantFrom('=', ' = ', '  =\t'), fc.constantFrom('0', '1', '10', 'a b')).map(([k, s, v]) => `${k}${s}${v}`),
  fc.constantFrom('# comment', '; other comment', '', '   ', 'garbage'),
);
const fileArb = fc.array(lineArb, { maxLength: 12 }).map((ls) => ls.map((l) => `${l}\n`).join(''));

test('property: after a present edit sysctl -p reads the wanted value, other lines are untouched, a second edit changes nothing', () => {
  fc.assert(fc.property(fileArb, keyArb, fc.constantFrom('0', '1', '7', 'x y'), (text, key, value) => {
    const e = editConf(text, key, value);
    assert.ok(valuesEqual(effectiveValue(parseConf(e.text), key), value));
    const keep = (t: string) => parseConf(t).lines.filter((l) => !parseConf(l).entries.some((x) => sameKey(x.key, key)));
    assert.deepEqual(keep(e.text), keep(text));
    assert.ok(parseConf(e.text).lines.length - parseConf(text).lines.length <= 1, 'at most one line added');
    assert.equal(editConf(e.text, key, value).changed, false);
  }));
});

test('property: absent leaves no line of the key and every other line as it was', () => {
  fc.assert(fc.property(fileArb, keyArb, (text, key) => {
    const e = editConf(text, key, undefined);
    assert.equal(effectiveValue(parseConf(e.text), key), undefined);
    assert.equal(e.changed, e.text !== text);
    const others = (t: string) => parseConf(t).lines.filter((l) => !parseConf(l).entries.concat(parseConf(l).emptyEntries).some((x) => sameKey(x.key, key)));
    assert.deepEqual(others(e.text), others(text));
  }));
});
