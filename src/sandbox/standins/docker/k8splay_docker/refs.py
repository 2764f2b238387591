"""Image references parsed and printed the way docker/distribution does."""
import re

from .common import Fail


COMPONENT = r'[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
DOMAIN = r'(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?'
TAG = r'[\w][\w.-]{0,127}'


def parse_ref(text):
    """NAME[:TAG][@DIGEST] normalised like docker: short names live in docker.io/library."""
    name, _, digest = text.partition('@')
    tag = None
    colon = name.rfind(':')
    if colon > name.rfind('/'):
        name, tag = name[:colon], name[colon + 1:]
    if name != name.lower() and not re.match(DOMAIN + '/', name):
        raise Fail('invalid reference format: repository name must be lowercase')
    first, slash, rest = name.partition('/')
    if slash and ('.' in first or ':' in first or first == 'localhost'):
        domain, path = first, rest
    else:
        domain, path = 'docker.io', name
    if domain in ('docker.io', 'index.docker.io'):
        domain = 'docker.io'
        if '/' not in path:
            path = 'library/' + path
    ok = (re.fullmatch(DOMAIN, domain) and re.fullmatch(COMPONENT + '(?:/' + COMPONENT + ')*', path)
          and (tag is None or re.fullmatch(TAG, tag)) and (not digest or re.fullmatch(r'sha256:[0-9a-f]{64}', digest)))
    if not ok:
        raise Fail('invalid reference format')
    return {'domain': domain, 'path': path, 'tag': tag, 'digest': digest or None}


def familiar_name(ref):
    """docker.io/library/nginx -> nginx; other registries keep their host."""
    if ref['domain'] == 'docker.io':
        p = ref['path']
        return p[len('library/'):] if p.startswith('library/') and p.count('/') == 1 else p
    return ref['domain'] + '/' + ref['path']


def familiar_tag(ref):
    return familiar_name(ref) + ':' + (ref['tag'] or 'latest')


def familiar_digest(ref):
    return familiar_name(ref) + '@' + ref['digest']


def repo_of(tagged):
    """'quay.io/coreos/flannel:v0.10.0-amd64' -> 'quay.io/coreos/flannel' (also for name@digest)."""
    if '@' in tagged:
        return tagged.split('@', 1)[0]
    colon = tagged.rfind(':')
    return tagged[:colon] if colon > tagged.rfind('/') else tagged
