"""Manifests from the sandbox registry, and the errors docker prints when a pull cannot happen."""
import json
import urllib.request

from .common import REGISTRY_URL_FILE, Fail
from .refs import familiar_digest, familiar_name, familiar_tag


def registry_endpoint(domain):
    return 'registry-1.docker.io' if domain == 'docker.io' else domain


def fetch_json(url):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as r:
            return json.load(r)
    except Exception:
        return None


def fetch_manifest(ref):
    """The manifest the sandbox registry holds for ref, or the error real docker prints."""
    try:
        with open(REGISTRY_URL_FILE) as f:
            base = f.read().strip()
    except FileNotFoundError:
        base = ''
    base = base if base.endswith('/') else base + '/'
    # Registries with a tree answer (the stand-in for GET /v2/); any other is out of reach.
    catalog = fetch_json(base + ref['domain'] + '/_catalog.json') if base != '/' else None
    if catalog is None:
        raise Fail('Error response from daemon: Get https://%s/v2/: net/http: request canceled while waiting '
                   'for connection (Client.Timeout exceeded while awaiting headers)' % registry_endpoint(ref['domain']))
    if ref['path'] not in catalog.get('repositories', []):
        raise Fail("Error response from daemon: pull access denied for %s, repository does not exist or may "
                   "require 'docker login'" % familiar_name(ref))
    manifest = None
    if ref['tag']:
        manifest = fetch_json('%s%s/%s/%s.json' % (base, ref['domain'], ref['path'], ref['tag']))
    else:
        for tag in catalog.get('tags', {}).get(ref['path'], []):
            m = fetch_json('%s%s/%s/%s.json' % (base, ref['domain'], ref['path'], tag))
            if m and m.get('digest') == ref['digest']:
                manifest = m
    if manifest is None:
        shown = familiar_tag(ref) if ref['tag'] else familiar_digest(ref)
        raise Fail('Error response from daemon: manifest for %s not found' % shown)
    return manifest
