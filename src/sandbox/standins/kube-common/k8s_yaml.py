"""A YAML subset reader and writer for the k8splay sandbox stand-ins (no PyYAML on the hosts).

Reads what Kubernetes manifests use: block mappings and sequences, plain/quoted scalars, flow
collections, block scalars (| and >), comments and multi-document streams. Anchors, aliases
and tags are rejected with an error naming the line. Writes the way sigs.k8s.io/yaml (go-yaml v2)
does: sorted keys, two-space indent, sequences flush under their key.
"""
import json
import re

__all__ = ['YAMLError', 'load_all', 'load', 'dump']


class YAMLError(Exception):
    """A document that this reader cannot read; `line` is 1-based."""

    def __init__(self, message, line=None):
        super().__init__(message if line is None else 'yaml: line %d: %s' % (line, message))
        self.line = line


_INT = re.compile(r'^[-+]?(0|[1-9][0-9_]*)$')
_HEX = re.compile(r'^0x[0-9a-fA-F_]+$')
_OCT = re.compile(r'^0o?[0-7_]+$')
_FLOAT = re.compile(r'^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$')


def _plain(text):
    """Resolves a plain scalar to null, bool, int, float or str (YAML 1.1 core subset)."""
    t = text.strip()
    if t in ('', '~', 'null', 'Null', 'NULL'):
        return None
    if t in ('true', 'True', 'TRUE'):
        return True
    if t in ('false', 'False', 'FALSE'):
        return False
    if _INT.match(t):
        return int(t.replace('_', ''))
    if _HEX.match(t):
        return int(t.replace('_', ''), 16)
    if len(t) > 1 and _OCT.match(t):
        return int(t.replace('_', '').replace('o', ''), 8)
    if _FLOAT.match(t) and any(c.isdigit() for c in t):
        return float(t.replace('_', ''))
    if t in ('.inf', '.Inf', '+.inf'):
        return float('inf')
    if t in ('-.inf', '-.Inf'):
        return float('-inf')
    return t


def _strip_comment(s):
    """The line without a trailing comment (a # at the start or after a space, outside quotes)."""
    quote = None
    i = 0
    while i < len(s):
        c = s[i]
        if quote:
            if quote == '"' and c == '\\':
                i += 2
                continue
            if c == quote:
                if quote == "'" and i + 1 < len(s) and s[i + 1] == "'":
                    i += 2
                    continue
                quote = None
        elif c in ('"', "'") and (i == 0 or s[i - 1] in ' \t[{,:-'):
            quote = c
        elif c == '#' and (i == 0 or s[i - 1] in ' \t'):
            return s[:i].rstrip()
        i += 1
    return s.rstrip()


_ESC = {'n': '\n', 't': '\t', 'r': '\r', '0': '\0', '"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'e': '\x1b', ' ': ' '}


def _double(s, i, line):
    """Reads a double-quoted scalar starting at s[i] == '"'; returns (value, index after)."""
    out = []
    i += 1
    while i < len(s):
        c = s[i]
        if c == '"':
            return ''.join(out), i + 1
        if c == '\\':
            n = s[i + 1] if i + 1 < len(s) else ''
            if n in _ESC:
                out.append(_ESC[n])
                i += 2
                continue
            if n in ('x', 'u', 'U'):
                width = {'x': 2, 'u': 4, 'U': 8}[n]
                out.append(chr(int(s[i + 2:i + 2 + width], 16)))
                i += 2 + width
                continue
            raise YAMLError('found unknown escape character', line)
        out.append(c)
        i += 1
    raise YAMLError('found unexpected end of stream (unclosed double quote)', line)


def _single(s, i, line):
    out = []
    i += 1
    while i < len(s):
        c = s[i]
        if c == "'":
            if i + 1 < len(s) and s[i + 1] == "'":
                out.append("'")
                i += 2
                continue
            return ''.join(out), i + 1
        out.append(c)
        i += 1
    raise YAMLError('found unexpected end of stream (unclosed single quote)', line)


class _Flow:
    """Parser of one flow collection or scalar in a single (joined) string."""

    def __init__(self, s, line):
        self.s = s
        self.i = 0
        self.line = line

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in ' \t\n':
            self.i += 1

    def value(self, stops):
        self.ws()
        if self.i >= len(self.s):
            return None
        c = self.s[self.i]
        if c == '[':
            self.i += 1
            items = []
            while True:
                self.ws()
                if self.i < len(self.s) and self.s[self.i] == ']':
                    self.i += 1
                    return items
                items.append(self.value(',]'))
                self.ws()
                if self.i < len(self.s) and self.s[self.i] == ',':
                    self.i += 1
                    continue
                if self.i < len(self.s) and self.s[self.i] == ']':
                    self.i += 1
                    return items
                raise YAMLError("did not find expected ',' or ']'", self.line)
        if c == '{':
            self.i += 1
            obj = {}
            while True:
                self.ws()
                if self.i < len(self.s) and self.s[self.i] == '}':
                    self.i += 1
                    return obj
                key = self.value(':,}')
                self.ws()
                val = None
                if self.i < len(self.s) and self.s[self.i] == ':':
                    self.i += 1
                    val = self.value(',}')
                obj[key] = val
                self.ws()
                if self.i < len(self.s) and self.s[self.i] == ',':
                    self.i += 1
                    continue
                if self.i < len(self.s) and self.s[self.i] == '}':
                    self.i += 1
                    return obj
                raise YAMLError("did not find expected ',' or '}'", self.line)
        if c == '"':
            v, self.i = _double(self.s, self.i, self.line)
            return v
        if c == "'":
            v, self.i = _single(self.s, self.i, self.line)
            return v
        start = self.i
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch in stops and ch != ':':
                break
            if ch == ':' and ':' in stops and (self.i + 1 >= len(self.s) or self.s[self.i + 1] in ' ,]}'):
                break
            self.i += 1
        return _plain(self.s[start:self.i])


def _scalar(text, line):
    """A scalar or flow collection written on one line (after `key:` or `- `)."""
    t = text.strip()
    if not t:
        return None
    if t[0] in '&*!':
        raise YAMLError('anchors, aliases and tags are not supported by the k8splay stand-in', line)
    if t[0] in '[{"\'':
        f = _Flow(t, line)
        v = f.value('')
        f.ws()
        if f.i != len(t):
            raise YAMLError('did not find expected <document start>', line)
        return v
    if t[0] in '%@`':
        raise YAMLError("found character that cannot start any token", line)
    return _plain(t)


class _Lines:
    def __init__(self, raw):
        # (indent, content, lineno, rawline) for every line; blank/comment-only lines have content None.
        self.items = []
        for n, r in enumerate(raw, 1):
            r = r.rstrip('\r')
            if '\t' in r[:len(r) - len(r.lstrip(' \t'))]:
                stripped = r.lstrip(' ')
                if stripped.startswith('\t'):
                    raise YAMLError('found character that cannot start any token', n)
            c = _strip_comment(r)
            if not c.strip():
                self.items.append((None, None, n, r))
            else:
                self.items.append((len(c) - len(c.lstrip(' ')), c.strip(), n, r))
        self.pos = 0

    def peek(self):
        while self.pos < len(self.items) and self.items[self.pos][1] is None:
            self.pos += 1
        return self.items[self.pos] if self.pos < len(self.items) else None


_KEY = re.compile(r'''^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\[\]{},][^#]*?)\s*:(?:\s|$)''')


def _split_key(content, line):
    """(key, rest) when `content` is `key: rest`, else None."""
    m = _KEY.match(content)
    if not m:
        return None
    raw = m.group(0).rstrip()
    raw = raw[:-1].rstrip()
    if raw.startswith('"'):
        key = _double(raw, 0, line)[0]
    elif raw.startswith("'"):
        key = _single(raw, 0, line)[0]
    else:
        key = _plain(raw)
        if key is not None and not isinstance(key, str):
            key = raw if isinstance(key, float) else key
    return key, content[m.end():]


def _block_scalar(lines, header, parent_indent, line):
    """Reads the lines of a | or > block scalar; `header` is e.g. '|-' or '>'."""
    style = header[0]
    chomp = ''
    explicit = None
    for ch in header[1:]:
        if ch in '+-':
            chomp = ch
        elif ch.isdigit():
            explicit = int(ch)
    body = []
    indent = None
    while lines.pos < len(lines.items):
        ind, content, n, raw = lines.items[lines.pos]
        raw_ind = len(raw) - len(raw.lstrip(' '))
        if raw.strip() == '':
            body.append('')
            lines.pos += 1
            continue
        if indent is None:
            indent = parent_indent + explicit if explicit else raw_ind
            if indent <= parent_indent:
                break
        if raw_ind < indent:
            break
        body.append(raw[indent:])
        lines.pos += 1
    # Trailing blank lines belong to the chomping rule, not the content.
    trailing = 0
    while body and body[-1] == '':
        body.pop()
        trailing += 1
    if style == '|':
        text = '\n'.join(body)
    else:
        out = []
        for i, b in enumerate(body):
            if i == 0:
                out.append(b)
            elif b == '':
                out.append('\n')
            elif body[i - 1] == '':
                out.append(b)
            elif b.startswith(' ') or body[i - 1].startswith(' '):
                out.append('\n' + b)
            else:
                out.append(' ' + b)
        text = ''.join(out)
    if not body:
        return '' if chomp != '+' else '\n' * trailing
    if chomp == '-':
        return text
    if chomp == '+':
        return text + '\n' + '\n' * trailing
    return text + '\n'


def _node(lines, indent, line_hint):
    """Reads the block node whose first line is indented exactly `indent` (or more)."""
    first = lines.peek()
    if first is None or first[0] < indent:
        return None
    ind, content, n, _ = first
    if content == '-' or content.startswith('- '):
        return _seq(lines, ind)
    if _split_key(content, n) is not None:
        return _map(lines, ind)
    # A multi-line plain or quoted scalar.
    parts = []
    while True:
        it = lines.peek()
        if it is None or it[0] < indent:
            break
        parts.append(it[1])
        lines.pos += 1
    return _scalar(' '.join(parts), n)


def _value_after(lines, rest, indent, n, in_seq_map):
    """The value of `key: rest` (rest may be empty: the value is the following block)."""
    r = rest.strip()
    if r.startswith('|') or r.startswith('>'):
        return _block_scalar(lines, r, indent, n)
    if r:
        # A plain scalar may continue on more-indented lines.
        v = r
        if r[0] not in '[{"\'':
            while True:
                it = lines.peek()
                if it is None or it[0] <= indent or it[1].startswith('- ') or _split_key(it[1], it[2]):
                    break
                v += ' ' + it[1]
                lines.pos += 1
        elif r[0] in '[{' and not _balanced(r):
            while not _balanced(v):
                it = lines.peek()
                if it is None:
                    raise YAMLError('did not find expected node content', n)
                v += ' ' + it[1]
                lines.pos += 1
        return _scalar(v, n)
    nxt = lines.peek()
    if nxt is None:
        return None
    if nxt[0] > indent:
        return _node(lines, nxt[0], n)
    if nxt[0] == indent and (nxt[1] == '-' or nxt[1].startswith('- ')) and not in_seq_map:
        return _seq(lines, indent)
    return None


def _balanced(s):
    depth = 0
    quote = None
    for i, c in enumerate(s):
        if quote:
            if c == quote:
                quote = None
            continue
        if c in '"\'':
            quote = c
        elif c in '[{':
            depth += 1
        elif c in ']}':
            depth -= 1
    return depth <= 0


def _map(lines, indent, in_seq=False):
    out = {}
    while True:
        it = lines.peek()
        if it is None or it[0] != indent:
            if it is not None and it[0] > indent:
                raise YAMLError('mapping values are not allowed in this context', it[2])
            return out
        ind, content, n, _ = it
        kv = _split_key(content, n)
        if kv is None:
            if content.startswith('- '):
                return out
            raise YAMLError('could not find expected \':\'', n)
        lines.pos += 1
        key, rest = kv
        if isinstance(key, str) and key.startswith(('&', '*', '!')):
            raise YAMLError('anchors, aliases and tags are not supported by the k8splay stand-in', n)
        out[key] = _value_after(lines, rest, indent, n, False)


def _seq(lines, indent):
    out = []
    while True:
        it = lines.peek()
        if it is None or it[0] != indent or not (it[1] == '-' or it[1].startswith('- ')):
            return out
        ind, content, n, raw = it
        rest = content[1:]
        if not rest.strip():
            lines.pos += 1
            nxt = lines.peek()
            out.append(_node(lines, nxt[0], n) if nxt is not None and nxt[0] > indent else None)
            continue
        # The item's content starts at this column: rewrite the line as if it began there.
        col = indent + 1 + (len(rest) - len(rest.lstrip(' ')))
        inner = rest.strip()
        lines.items[lines.pos] = (col, inner, n, ' ' * col + inner)
        if inner == '-' or inner.startswith('- '):
            out.append(_seq(lines, col))
        elif _split_key(inner, n) is not None:
            out.append(_map(lines, col, True))
        elif inner.startswith('|') or inner.startswith('>'):
            lines.pos += 1
            out.append(_block_scalar(lines, inner, indent, n))
        else:
            lines.pos += 1
            v = inner
            if inner[0] in '[{' and not _balanced(inner):
                while not _balanced(v):
                    nx = lines.peek()
                    if nx is None:
                        raise YAMLError('did not find expected node content', n)
                    v += ' ' + nx[1]
                    lines.pos += 1
            out.append(_scalar(v, n))


def load_all(text):
    """Every document of a YAML (or JSON) stream, in order; empty documents are skipped."""
    if text.lstrip().startswith(('{', '[')):
        try:
            return [json.loads(text)]
        except ValueError:
            pass
    docs = []
    cur = []
    for raw in text.split('\n'):
        if re.match(r'^---(\s|$)', raw) or re.match(r'^\.\.\.(\s|$)', raw):
            docs.append(cur)
            rest = raw[3:].strip()
            cur = [rest] if rest and not rest.startswith('#') else []
            continue
        if raw.startswith('%'):
            continue
        cur.append(raw)
    docs.append(cur)
    out = []
    offset = 0
    for d in docs:
        lines = _Lines(d)
        start = lines.peek()
        if start is None:
            offset += len(d) + 1
            continue
        try:
            v = _node(lines, start[0], start[2])
        except YAMLError as e:
            raise YAMLError(str(e).split(': ', 2)[-1] if e.line else str(e), (e.line or 0) + offset) from None
        rest = lines.peek()
        if rest is not None:
            raise YAMLError('did not find expected key', rest[2] + offset)
        out.append(v)
        offset += len(d) + 1
    return out


def load(text):
    docs = load_all(text)
    return docs[0] if docs else None


_NEEDS_QUOTE_START = tuple('!&*{}[]|>\'"%@`#,?:')
_TIMESTAMP = re.compile(r'^\d{4}-\d\d?-\d\d?([Tt ]|$)')


def _quote(s):
    """A string as go-yaml v2 writes it: plain when unambiguous, else double-quoted."""
    plain_ok = (s != '' and s == s.strip() and _plain(s) == s and not s.startswith(_NEEDS_QUOTE_START)
                and not s.startswith('- ') and s != '-' and ': ' not in s and ' #' not in s and not s.endswith(':')
                and not _TIMESTAMP.match(s) and '\n' not in s and '\t' not in s and s not in ('y', 'Y', 'n', 'N', 'yes', 'no', 'on', 'off', 'Yes', 'No', 'On', 'Off'))
    return s if plain_ok else json.dumps(s, ensure_ascii=False)


def _scalar_text(v):
    if v is None:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if v == v and v not in (float('inf'), float('-inf')) else ('.nan' if v != v else ('.inf' if v > 0 else '-.inf'))
    return _quote(str(v))


def _dump(v, indent, out):
    pad = ' ' * indent
    if isinstance(v, dict):
        if not v:
            return
        for k in sorted(v, key=str):
            val = v[k]
            key = _quote(str(k))
            if isinstance(val, dict) and val:
                out.append('%s%s:' % (pad, key))
                _dump(val, indent + 2, out)
            elif isinstance(val, list) and val:
                out.append('%s%s:' % (pad, key))
                _dump(val, indent, out)
            elif isinstance(val, str) and '\n' in val and not val.endswith(' '):
                chomp = '' if val.endswith('\n') and not val.endswith('\n\n') else ('-' if not val.endswith('\n') else '+')
                out.append('%s%s: |%s' % (pad, key, chomp))
                body = val[:-1] if val.endswith('\n') and chomp == '' else val
                for ln in body.split('\n'):
                    out.append((pad + '  ' + ln) if ln else '')
            else:
                out.append('%s%s: %s' % (pad, key, _inline(val)))
    elif isinstance(v, list):
        for item in v:
            if isinstance(item, dict) and item:
                sub = []
                _dump(item, indent + 2, sub)
                sub[0] = pad + '- ' + sub[0][indent + 2:]
                out.extend(sub)
            elif isinstance(item, list) and item:
                sub = []
                _dump(item, indent + 2, sub)
                sub[0] = pad + '- ' + sub[0][indent + 2:]
                out.extend(sub)
            else:
                out.append('%s- %s' % (pad, _inline(item)))
    else:
        out.append(pad + _scalar_text(v))


def _inline(v):
    if isinstance(v, dict):
        return '{}'
    if isinstance(v, list):
        return '[]'
    return _scalar_text(v)


def dump(v):
    """YAML text of `v` (ends with a newline)."""
    if not isinstance(v, (dict, list)) or not v:
        return _inline(v) + '\n'
    out = []
    _dump(v, 0, out)
    return '\n'.join(out) + '\n'
