"""Go text/template, the subset people pass to docker --format / -f."""
import json
import re

from .common import STANDIN_NOTE, Fail


NO_VALUE = object()
ACTION = re.compile(r'\{\{(-\s)?\s*(.*?)\s*(\s-)?\}\}', re.S)


def go_str(v):
    """fmt.Sprint of a decoded JSON value."""
    if v is NO_VALUE:
        return '<no value>'
    if v is None:
        return '<nil>'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, list):
        return '[' + ' '.join(go_str(x) for x in v) + ']'
    if isinstance(v, dict):
        return 'map[' + ' '.join('%s:%s' % (k, go_str(v[k])) for k in sorted(v)) + ']'
    return str(v)


def template_error(why):
    return Fail('Template parsing error: template: :1: ' + why)


def parse_template(text):
    """A tree of ('text', s), ('expr', words), ('range'|'if', words, body, else_body)."""
    flat, pos, trim_next = [], 0, False
    for m in ACTION.finditer(text):
        chunk = text[pos:m.start()]
        if trim_next:
            chunk = chunk.lstrip()
        if m.group(1):
            chunk = chunk.rstrip()
        flat.append(('text', chunk))
        flat.append(('act', split_words(m.group(2))))
        trim_next, pos = bool(m.group(3)), m.end()
    tail = text[pos:]
    flat.append(('text', tail.lstrip() if trim_next else tail))

    def block(i, closers):
        nodes = []
        while i < len(flat):
            kind, val = flat[i]
            if kind == 'text':
                nodes.append(('text', val))
            elif val and val[0] in closers:
                return nodes, i
            elif val and val[0] in ('range', 'if'):
                body, j = block(i + 1, ('end', 'else'))
                other = []
                if j < len(flat) and flat[j][1][0] == 'else':
                    other, j = block(j + 1, ('end',))
                if j >= len(flat):
                    raise template_error('unexpected EOF')
                nodes.append((val[0], val[1:], body, other))
                i = j
            elif val and val[0] in ('end', 'else'):
                raise template_error('unexpected {{%s}}' % val[0])
            else:
                nodes.append(('expr', val))
            i += 1
        return nodes, i

    nodes, _ = block(0, ())
    return nodes


def split_words(action):
    words = re.findall(r'"(?:[^"\\]|\\.)*"|[^\s]+', action)
    if '|' in words or any(w.startswith('$') or w.startswith('(') for w in words):
        raise template_error('pipelines and variables are not supported by the ' + STANDIN_NOTE)
    return words


def eval_words(words, dot):
    def arg(w):
        if w.startswith('"'):
            return json.loads(w)
        if re.fullmatch(r'-?\d+', w):
            return int(w)
        if w == '.':
            return dot
        if w.startswith('.'):
            v = dot
            for part in w[1:].split('.'):
                if isinstance(v, dict):
                    v = v.get(part, NO_VALUE)
                else:
                    raise template_error('executing "" at <%s>: can\'t evaluate field %s' % (w, part))
            return v
        raise template_error('function "%s" not defined' % w)

    fn, args = words[0], [arg(w) for w in words[1:]]
    if fn.startswith('.') or fn.startswith('"') or re.fullmatch(r'-?\d+', fn):
        return arg(fn)
    if fn == 'json' and len(args) == 1:
        return json.dumps(None if args[0] is NO_VALUE else args[0], separators=(',', ':'), ensure_ascii=False)
    if fn == 'join' and len(args) == 2:
        return args[1].join(go_str(x) for x in (args[0] or []))
    if fn == 'index' and len(args) >= 2:
        v = args[0]
        for k in args[1:]:
            try:
                v = v[k]
            except (KeyError, IndexError, TypeError):
                raise template_error('executing "" at <index>: error calling index: index out of range: %s' % k)
        return v
    if fn in ('lower', 'upper', 'len') and len(args) == 1:
        return {'lower': str.lower, 'upper': str.upper}[fn](go_str(args[0])) if fn != 'len' else len(args[0])
    if fn in ('json', 'join', 'index', 'lower', 'upper', 'len'):
        raise template_error('wrong number of args for %s' % fn)
    raise template_error('function "%s" not defined' % fn)


def truthy(v):
    return v not in (None, NO_VALUE, False, 0, '', [], {})


def render(text, dot, nodes=None):
    out = []
    for node in parse_template(text) if nodes is None else nodes:
        if node[0] == 'text':
            out.append(node[1])
        elif node[0] == 'expr':
            out.append(go_str(eval_words(node[1], dot)))
        elif node[0] == 'if':
            out.append(render(text, dot, node[2] if truthy(eval_words(node[1], dot)) else node[3]))
        else:  # range
            items = eval_words(node[1], dot)
            items = [] if items in (None, NO_VALUE) else list(items.values()) if isinstance(items, dict) else items
            out.append(''.join(render(text, x, node[2]) for x in items) if items else render(text, dot, node[3]))
    return ''.join(out)
