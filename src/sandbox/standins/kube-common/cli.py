"""Flag parsing the way cobra/pflag does it (--flag=value, --flag value, bool flags, repeats)."""
import sys


class UsageError(Exception):
    pass


def parse(argv, spec):
    """(values, positionals). spec: name -> ('str'|'bool'|'list'|'int', default, [aliases])."""
    names = {}
    for name, s in spec.items():
        names[name] = name
        for a in (s[2] if len(s) > 2 else []):
            names[a] = name
    vals = {name: (list(s[1]) if s[0] == 'list' else s[1]) for name, s in spec.items()}
    pos = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == '--':
            pos.extend(argv[i + 1:])
            break
        if a.startswith('-') and a != '-':
            body = a.lstrip('-')
            has_eq = '=' in body
            key, _, val = body.partition('=')
            if key not in names:
                raise UsageError('unknown flag: %s' % (a.split('=')[0] if a.startswith('--') else '-' + key))
            name = names[key]
            kind = spec[name][0]
            if kind == 'bool':
                vals[name] = (val.lower() in ('true', '1', 't')) if has_eq else True
            else:
                if not has_eq:
                    if i + 1 >= len(argv):
                        raise UsageError('flag needs an argument: %s' % a)
                    i += 1
                    val = argv[i]
                if kind == 'list':
                    vals[name].extend(v for v in val.split(',') if v)
                elif kind == 'int':
                    try:
                        vals[name] = int(val)
                    except ValueError:
                        raise UsageError('invalid argument "%s" for "%s" flag: strconv.ParseInt: parsing "%s": invalid syntax' % (val, a.split('=')[0], val))
                else:
                    vals[name] = val
        else:
            pos.append(a)
        i += 1
    return vals, pos


def die(msg, code=1):
    if msg:
        sys.stderr.write(msg if msg.endswith('\n') else msg + '\n')
    sys.exit(code)
