"""What every kubectl stand-in command shares: the kubeconfig and API server, errors, -f sources."""
import os
import sys

import apiclient
import cli
import k8s_yaml
import kinds
import kubeconfig
import manifests


GLOBAL = {
    'kubeconfig': ('str', ''), 'namespace': ('str', '', ['n']), 'server': ('str', '', ['s']), 'context': ('str', ''),
    'request-timeout': ('str', '0'), 'v': ('str', '0'), 'help': ('bool', False, ['h']),
}


class Ctx:
    def __init__(self, g):
        self.server = None
        self.namespace = 'default'
        self.explicit_ns = bool(g['namespace'])
        path = g['kubeconfig'] or (os.environ.get('KUBECONFIG', '').split(':')[0] if os.environ.get('KUBECONFIG') else os.path.expanduser('~/.kube/config'))
        if g['kubeconfig'] and not os.path.exists(g['kubeconfig']):
            die('error: stat %s: no such file or directory' % g['kubeconfig'])
        if os.path.exists(path):
            try:
                doc = kubeconfig.load(path)
            except (kubeconfig.KubeconfigError, k8s_yaml.YAMLError) as e:
                die('error: error loading config file "%s": %s' % (path, e))
            self.server, self.namespace, _ = kubeconfig.current(doc, g['context'] or None)
        if g['server']:
            self.server = g['server']
        if not self.server:
            self.server = 'http://localhost:8080'
        if g['namespace']:
            self.namespace = g['namespace']

    def call(self, method, path, body=None):
        try:
            return apiclient.request(self.server, method, path, body, timeout=30)
        except apiclient.Unreachable as e:
            die(e.kubectl_message())


def die(msg, code=1):
    sys.stdout.flush()
    cli.die(msg, code)


def server_error(body, context=''):
    b = body if isinstance(body, dict) else {'reason': 'InternalError', 'message': str(body)}
    return 'Error from server (%s): %s%s' % (b.get('reason') or 'InternalError', context, b.get('message'))


def obj_ns(ctx, obj):
    if not kinds.namespaced(obj.get('kind', '')):
        return None
    md = obj.setdefault('metadata', {})
    if ctx.explicit_ns and md.get('namespace') and md['namespace'] != ctx.namespace:
        die('error: the namespace from the provided object "%s" does not match the namespace "%s". You must pass \'--namespace=%s\' to perform this operation.' % (md['namespace'], ctx.namespace, md['namespace']))
    md['namespace'] = md.get('namespace') or ctx.namespace
    return md['namespace']


def load_sources(files, recursive=False):
    try:
        return [(name, objs) for name, text in manifests.sources(files, recursive) for objs in [manifests.objects(name, text)]]
    except manifests.SourceError as e:
        die('error: %s' % e)


def check_object(name, o):
    """(ok, error message) of kubectl's client-side checks of one object."""
    if not isinstance(o, dict):
        return False, 'error: error validating "%s": error validating data: invalid object; if you choose to ignore these errors, turn validation off with --validate=false' % name
    missing = [f for f in ('apiVersion', 'kind') if not o.get(f)]
    if missing:
        return False, 'error: error validating "%s": error validating data: [%s]; if you choose to ignore these errors, turn validation off with --validate=false' % (name, ', '.join('%s not set' % m for m in missing))
    if not kinds.served(o['kind'], o['apiVersion']):
        return False, 'error: unable to recognize "%s": no matches for kind "%s" in version "%s"' % (name, o['kind'], o['apiVersion'])
    return True, None
