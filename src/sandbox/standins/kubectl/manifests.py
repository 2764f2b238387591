"""Reading -f sources as kubectl does: files, directories, URLs and standard input."""
import os
import sys
import urllib.error
import urllib.request

import k8s_yaml


class SourceError(Exception):
    pass


def _read_url(url):
    try:
        with urllib.request.urlopen(url, timeout=15) as r:
            return r.read().decode()
    except urllib.error.HTTPError as e:
        raise SourceError('unable to read URL "%s", server reported %d %s, status code=%d' % (url, e.code, e.reason, e.code))
    except urllib.error.URLError as e:
        host = urllib.request.urlparse(url).hostname or ''
        port = urllib.request.urlparse(url).port or (443 if url.startswith('https') else 80)
        reason = e.reason
        if isinstance(reason, OSError) and getattr(reason, 'errno', None) in (-2, -3, -5):
            raise SourceError('Get %s: dial tcp: lookup %s on 127.0.0.53:53: server misbehaving' % (url, host))
        if isinstance(reason, ConnectionRefusedError):
            raise SourceError('Get %s: dial tcp %s:%d: connect: connection refused' % (url, host, port))
        raise SourceError('Get %s: dial tcp %s:%d: %s' % (url, host, port, getattr(reason, 'strerror', None) or reason))
    except OSError as e:
        raise SourceError('Get %s: %s' % (url, e))


def sources(paths, recursive=False):
    """[(name, text)] of every -f argument, in order."""
    out = []
    for p in paths:
        if p.startswith('http://') or p.startswith('https://'):
            out.append((p, _read_url(p)))
        elif p == '-':
            out.append(('STDIN', sys.stdin.read()))
        elif os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                for f in sorted(files):
                    if f.endswith(('.yaml', '.yml', '.json')):
                        fp = os.path.join(root, f)
                        with open(fp) as fh:
                            out.append((fp, fh.read()))
                if not recursive:
                    break
        elif os.path.exists(p):
            with open(p) as fh:
                out.append((p, fh.read()))
        else:
            raise SourceError('the path "%s" does not exist' % p)
    return out


def objects(name, text):
    """The objects of one source; `List` kinds are expanded."""
    try:
        docs = k8s_yaml.load_all(text)
    except k8s_yaml.YAMLError as e:
        raise SourceError('error parsing %s: error converting YAML to JSON: %s' % (name, e))
    out = []
    for d in docs:
        if d is None:
            continue
        if isinstance(d, dict) and d.get('kind', '').endswith('List') and isinstance(d.get('items'), list):
            out.extend(d['items'])
        else:
            out.append(d)
    return out
