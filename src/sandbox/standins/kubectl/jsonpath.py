"""kubectl's JSONPath templates (-o jsonpath=...): {.a.b}, [*], [n], [a:b], ['key'], filters
[?(@.x=="y")], {range ...}{end}, quoted literals; values printed the way kubectl 1.13 prints
them (strings raw, maps and lists in Go's fmt form)."""
import json
import re


class JSONPathError(Exception):
    pass


def _go(v):
    if isinstance(v, str):
        return v
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if v is None:
        return '<nil>'
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dict):
        return 'map[' + ' '.join('%s:%s' % (k, _go(v[k])) for k in sorted(v)) + ']'
    if isinstance(v, list):
        return '[' + ' '.join(_go(x) for x in v) + ']'
    return str(v)


def _parse_template(t):
    """[('text', s) | ('expr', s)] of a template; a bare path without braces is one expression."""
    if '{' not in t:
        return [('expr', t)]
    out = []
    i = 0
    while i < len(t):
        j = t.find('{', i)
        if j < 0:
            out.append(('text', t[i:]))
            break
        if j > i:
            out.append(('text', t[i:j]))
        depth, k = 0, j
        quote = None
        while k < len(t):
            c = t[k]
            if quote:
                if c == quote:
                    quote = None
            elif c in '"\'':
                quote = c
            elif c == '{':
                depth += 1
            elif c == '}':
                depth -= 1
                if depth == 0:
                    break
            k += 1
        if k >= len(t):
            raise JSONPathError('unclosed action')
        out.append(('expr', t[j + 1:k].strip()))
        i = k + 1
    return out


_SEG = re.compile(r"""\.\.|\.([A-Za-z0-9_\-/]+|\*)|\[\s*(\?\(.*?\))\s*\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]|\[\s*([^\]]*)\s*\]""")


def _eval(expr, cur, root):
    e = expr.strip()
    if e.startswith('$'):
        vals, e = [root], e[1:]
    elif e.startswith('@'):
        vals, e = [cur], e[1:]
    else:
        vals = [cur]
    pos = 0
    while pos < len(e):
        m = _SEG.match(e, pos)
        if not m:
            raise JSONPathError('unrecognized character in action: %s' % e[pos:])
        pos = m.end()
        nxt = []
        if m.group(0) == '..':
            continue
        name, filt, sq, dq, idx = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
        for v in vals:
            if name is not None or sq is not None or dq is not None:
                key = name if name is not None else (sq if sq is not None else dq)
                if key == '*':
                    nxt.extend(v.values() if isinstance(v, dict) else v if isinstance(v, list) else [])
                elif isinstance(v, dict) and key in v:
                    nxt.append(v[key])
            elif filt is not None:
                fm = re.match(r'^\?\(\s*@((?:\.[A-Za-z0-9_\-/]+)+)\s*(==|!=)\s*(["\']?)(.*?)\3\s*\)$', filt)
                if not fm:
                    raise JSONPathError('unrecognized filter: %s' % filt)
                for item in (v if isinstance(v, list) else []):
                    got = _eval('@' + fm.group(1), item, root)
                    ok = bool(got) and _go(got[0]) == fm.group(4)
                    if (fm.group(2) == '==') == ok:
                        nxt.append(item)
            else:
                if not isinstance(v, list):
                    continue
                if idx.strip() == '*':
                    nxt.extend(v)
                elif ':' in idx:
                    a, b = (idx.split(':') + [''])[:2]
                    nxt.extend(v[int(a) if a.strip() else None:int(b) if b.strip() else None])
                else:
                    try:
                        nxt.append(v[int(idx)])
                    except (ValueError, IndexError):
                        raise JSONPathError('array index out of bounds: index %s, length %d' % (idx, len(v)))
        vals = nxt
    return vals


def _unescape(s):
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t', 'r': '\r'}.get(m.group(1), m.group(1)), s)


def render(template, data):
    parts = _parse_template(template)
    out = []

    def run(items, cur):
        i = 0
        while i < len(items):
            kind, s = items[i]
            if kind == 'text':
                out.append(s)
            elif s.startswith('range '):
                depth, j = 1, i + 1
                while j < len(items):
                    if items[j][0] == 'expr' and items[j][1].startswith('range '):
                        depth += 1
                    elif items[j] == ('expr', 'end'):
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                body = items[i + 1:j]
                for v in _eval(s[6:], cur, data):
                    run(body, v)
                i = j
            elif s == 'end':
                pass
            elif s[:1] in '"\'' and s[-1:] == s[:1]:
                out.append(_unescape(s[1:-1]))
            else:
                vals = _eval(s, cur, data)
                out.append(' '.join(_go(v) for v in vals))
            i += 1
    run(parts, data)
    return ''.join(out)
