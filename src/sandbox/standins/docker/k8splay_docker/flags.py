"""Command-line flags parsed like docker's (spf13/pflag), with its usage errors."""
import sys

from .common import STANDIN_NOTE, Fail


USAGE = {
    'pull': ('docker pull [OPTIONS] NAME[:TAG|@DIGEST]', 'Pull an image or a repository from a registry'),
    'images': ('docker images [OPTIONS] [REPOSITORY[:TAG]]', 'List images'),
    'image inspect': ('docker image inspect [OPTIONS] IMAGE [IMAGE...]', 'Display detailed information on one or more images'),
    'inspect': ('docker inspect [OPTIONS] NAME|ID [NAME|ID...]', 'Return low-level information on Docker objects'),
    'tag': ('docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]', 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'),
    'rmi': ('docker rmi [OPTIONS] IMAGE [IMAGE...]', 'Remove one or more images'),
    'ps': ('docker ps [OPTIONS]', 'List containers'),
    'info': ('docker info [OPTIONS]', 'Display system-wide information'),
    'version': ('docker version [OPTIONS]', 'Show the Docker version information'),
}


FLAGS = {
    'pull': {'a': 'all-tags', 'all-tags': False, 'disable-content-trust': False, 'platform': True},
    'images': {'a': 'all', 'all': False, 'digests': False, 'f': 'filter', 'filter': True, 'format': True,
               'no-trunc': False, 'q': 'quiet', 'quiet': False},
    'image inspect': {'f': 'format', 'format': True},
    'inspect': {'f': 'format', 'format': True, 's': 'size', 'size': False, 'type': True},
    'tag': {},
    'rmi': {'f': 'force', 'force': False, 'no-prune': False},
    'ps': {'a': 'all', 'all': False, 'f': 'filter', 'filter': True, 'format': True, 'n': 'last', 'last': True,
           'l': 'latest', 'latest': False, 'no-trunc': False, 'q': 'quiet', 'quiet': False, 's': 'size', 'size': False},
    'info': {'f': 'format', 'format': True},
    'version': {'f': 'format', 'format': True},
}


def usage_error(cmd, message):
    return Fail('%s\nSee \'docker %s --help\'.' % (message, cmd), 125)


def parse_flags(cmd, argv):
    """Flags anywhere among the arguments, --name=value, -x value, -xvalue, -aq; '--' ends them."""
    spec, opts, args, i = FLAGS[cmd], {}, [], 0
    while i < len(argv):
        a = argv[i]
        if a == '--':
            args.extend(argv[i + 1:])
            break
        if a in ('-h', '--help'):
            u, d = USAGE[cmd]
            sys.stdout.write('\nUsage:\t%s\n\n%s (%s)\n' % (u, d, STANDIN_NOTE))
            sys.exit(0)
        if a.startswith('--'):
            name, eq, val = a[2:].partition('=')
            if name not in spec or len(name) == 1:
                raise usage_error(cmd, 'unknown flag: --' + name)
            if spec[name]:
                if not eq:
                    if i + 1 >= len(argv):
                        raise usage_error(cmd, 'flag needs an argument: --' + name)
                    i += 1
                    val = argv[i]
                opts.setdefault(name, []).append(val)
            else:
                opts[name] = val not in ('false', '0') if eq else True
        elif a.startswith('-') and len(a) > 1:
            j = 1
            while j < len(a):
                c = a[j]
                if c not in spec:
                    raise usage_error(cmd, "unknown shorthand flag: '%s' in %s" % (c, a))
                name = spec[c]
                if spec[name]:
                    val = a[j + 1:]
                    if not val:
                        if i + 1 >= len(argv):
                            raise usage_error(cmd, "flag needs an argument: '%s' in -%s" % (c, c))
                        i += 1
                        val = argv[i]
                    opts.setdefault(name, []).append(val.lstrip('='))
                    break
                opts[name] = True
                j += 1
        else:
            args.append(a)
        i += 1
    return opts, args


def arg_count(cmd, args, least, most=None):
    if least <= len(args) and (most is None or len(args) <= most):
        return
    if most == least:
        want = 'exactly %d argument%s' % (least, '' if least == 1 else 's')
    elif most is None:
        want = 'at least %d argument%s' % (least, '' if least == 1 else 's')
    else:
        want = 'at most %d argument%s' % (most, '' if most == 1 else 's')
    u, d = USAGE[cmd]
    raise Fail('"docker %s" requires %s.\nSee \'docker %s --help\'.\n\nUsage:  %s\n\n%s' % (cmd, want, cmd, u, d))


def last(opts, name, default=None):
    return opts[name][-1] if name in opts else default
