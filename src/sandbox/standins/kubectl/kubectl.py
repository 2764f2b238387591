#!/usr/bin/python3
"""k8splay sandbox stand-in for kubectl v1.13.3.

Talks to the control-plane stand-in named by the kubeconfig (--kubeconfig, $KUBECONFIG,
~/.kube/config; plain HTTP to the https:// address written there) and answers with kubectl
1.13's wording, tables and exit codes for what the walkthrough and the cluster modules use:
version, get, apply, diff, delete, create deployment, expose, wait, rollout status,
cluster-info. Sandbox hosts only.
"""
import copy
import os
import shutil
import subprocess
import signal
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # nothing outside the RPM's files on hosts
HERE = os.path.dirname(os.path.realpath(__file__))  # /usr/bin/X is a symlink to the program
sys.path[:0] = [HERE, os.path.join(HERE, 'common')]
import apiclient  # noqa: E402
import cli  # noqa: E402
import jsonpath  # noqa: E402
import k8s_yaml  # noqa: E402
import kinds  # noqa: E402
import kubeconfig  # noqa: E402
import kubetime  # noqa: E402
import manifests  # noqa: E402
import printers  # noqa: E402
import tabwriter  # noqa: E402
import version  # noqa: E402

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


# ------------------------------------------------------------------------------------------ commands

def cmd_version(ctx, args):
    f, _ = cli.parse(args, {'client': ('bool', False, ['c']), 'short': ('bool', False), 'output': ('str', '', ['o'])})
    print(('Client Version: %s' % version.GIT_VERSION) if f['short'] else 'Client Version: %s' % version.info(version.KUBECTL_BUILD))
    if f['client']:
        return 0
    code, body = ctx.call('GET', '/version')
    if code != 200:
        die(server_error(body))
    print(('Server Version: %s' % body['gitVersion']) if f['short'] else 'Server Version: %s' % version.info(body['buildDate']))
    return 0


def cmd_cluster_info(ctx, args):
    code, _ = ctx.call('GET', '/healthz')
    base = ctx.server
    print('\x1b[0;32mKubernetes master\x1b[0m is running at \x1b[0;33m%s\x1b[0m' % base)
    code, svc = ctx.call('GET', '/k8splay/objects/Service/kube-system/kube-dns')
    if code == 200:
        print('\x1b[0;32mKubeDNS\x1b[0m is running at \x1b[0;33m%s/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\x1b[0m' % base)
    print()
    print("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.")
    return 0


GET_FLAGS = {'output': ('str', '', ['o']), 'all-namespaces': ('bool', False), 'selector': ('str', '', ['l']), 'watch': ('bool', False, ['w']),
             'show-labels': ('bool', False), 'no-headers': ('bool', False), 'ignore-not-found': ('bool', False), 'filename': ('list', [], ['f'])}


def _fetch(ctx, kind, ns, group=None):
    code, body = ctx.call('GET', '/k8splay/objects?kind=%s&namespace=%s' % (kind, ns or ''))
    if code != 200:
        die(server_error(body))
    items = body['items']
    av = kinds.default_api_version(kind, group)
    for o in items:
        o['apiVersion'] = av
    return items


def _match_selector(o, sel):
    if not sel:
        return True
    labels = o['metadata'].get('labels') or {}
    for part in sel.split(','):
        if '!=' in part:
            k, v = part.split('!=', 1)
            if labels.get(k.strip()) == v.strip():
                return False
        elif '=' in part:
            k, v = part.split('=', 1)
            if labels.get(k.strip().rstrip('=')) != v.strip():
                return False
        elif part.strip() and part.strip() not in labels:
            return False
    return True


def cmd_get(ctx, args):
    try:
        f, pos = cli.parse(args, GET_FLAGS)
    except cli.UsageError as e:
        die('Error: %s' % e)
    if f['filename']:
        return get_from_files(ctx, f)
    if not pos:
        die('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee \'kubectl get -h\' for help and examples.')
    requests = []  # (kind, group, names)
    if any('/' in p for p in pos):
        for p in pos:
            r, _, n = p.partition('/')
            requests.append((r, [n]))
    else:
        for r in pos[0].split(','):
            requests.append((r, pos[1:]))
    wide = f['output'] == 'wide'
    ns = None if f['all-namespaces'] else ctx.namespace
    results = []
    errors = []
    for r, names in requests:
        kind = kinds.resolve(r)
        if r == 'all':
            for k in ('Pod', 'Service', 'DaemonSet', 'Deployment'):
                results.append((k, [o for o in _fetch(ctx, k, ns) if _match_selector(o, f['selector'])], False))
            continue
        if kind is None:
            die('error: the server doesn\'t have a resource type "%s"' % r)
        group = r.split('.', 1)[1] if '.' in r else None
        objs = _fetch(ctx, kind, ns if kinds.namespaced(kind) else None, group)
        if names:
            found = []
            for n in names:
                o = next((x for x in objs if x['metadata']['name'] == n), None)
                if o is None:
                    if not f['ignore-not-found']:
                        errors.append('Error from server (NotFound): %s "%s" not found' % (kinds.resource_dot_group(kind, kinds.default_api_version(kind, group)), n))
                else:
                    found.append(o)
            results.append((kind, found, len(names) == 1 and len(requests) == 1))
        else:
            results.append((kind, [o for o in objs if _match_selector(o, f['selector'])], False))
    now = time.time()
    fmt = f['output']
    if fmt.startswith('custom-columns='):
        print_objects(f, [o for _, objs, _ in results for o in objs], False)
    elif fmt and fmt != 'wide':
        allobjs = [o for _, objs, _ in results for o in objs]
        single = len(results) == 1 and results[0][2]
        text = printers.output(fmt, allobjs, single, results[0][0] if results else '')
        if text is None:
            die('error: unable to match a printer suitable for the output format "%s", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-file,name,template,templatefile,wide,yaml' % fmt)
        sys.stdout.write(text)
    else:
        printed = False
        multi = len([1 for _, objs, _ in results if objs]) > 1 or (pos and pos[0] == 'all')
        for kind, objs, _ in results:
            if not objs:
                continue
            if printed:
                sys.stdout.write('\n')
            text = printers.table(kind, objs, now, wide, f['all-namespaces'] and kinds.namespaced(kind), show_kind=multi)
            if f['no-headers']:
                text = text.split('\n', 1)[1]
            sys.stdout.write(text)
            printed = True
        if not printed and not errors and not any(names for _, names in requests):
            sys.stderr.write('No resources found.\n')
    for e in errors:
        sys.stderr.write(e + '\n')
    return 1 if errors else 0


def print_objects(f, objs, single):
    """-o output (or a table per kind) of objects already fetched."""
    fmt = f['output']
    if fmt.startswith('custom-columns='):
        cols = [c.split(':', 1) for c in fmt.split('=', 1)[1].split(',') if c]
        rows = [] if f['no-headers'] else [[c[0] for c in cols]]
        for o in objs:
            rows.append([(jsonpath.render('{%s}' % (c[1] if len(c) > 1 else ''), o) or '<none>') for c in cols])
        sys.stdout.write(tabwriter.render(rows))
        return
    if fmt and fmt != 'wide':
        text = printers.output(fmt, objs, single, objs[0]['kind'] if objs else '')
        if text is None:
            die('error: unable to match a printer suitable for the output format "%s", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-file,name,template,templatefile,wide,yaml' % fmt)
        sys.stdout.write(text)
        return
    now = time.time()
    kinds_seen = []
    for o in objs:
        if o['kind'] not in kinds_seen:
            kinds_seen.append(o['kind'])
    for i, k in enumerate(kinds_seen):
        text = printers.table(k, [o for o in objs if o['kind'] == k], now, fmt == 'wide', False, show_kind=len(kinds_seen) > 1)
        if f['no-headers']:
            text = text.split('\n', 1)[1]
        sys.stdout.write(('\n' if i else '') + text)


def get_from_files(ctx, f):
    """`kubectl get -f FILE`: the live objects the source names, as the source names them."""
    found, errors = [], []
    for name, objs in load_sources(f['filename']):
        for o in objs:
            ok, msg = check_object(name, o)
            if not ok:
                errors.append(msg)
                continue
            ns = obj_ns(ctx, o)
            md = o.get('metadata') or {}
            code, body = ctx.call('GET', '/k8splay/objects/%s/%s/%s?apiVersion=%s' % (o['kind'], ns or '-', md.get('name'), o['apiVersion']))
            if code == 404:
                if not f['ignore-not-found']:
                    errors.append(server_error(body))
                continue
            if code != 200:
                errors.append(server_error(body))
                continue
            body['apiVersion'] = o['apiVersion']
            found.append(body)
    if found:
        print_objects(f, found, False)
    for e in errors:
        sys.stderr.write(e + '\n')
    return 1 if errors else 0


def cmd_apply(ctx, args):
    try:
        f, pos = cli.parse(args, {'filename': ('list', [], ['f']), 'recursive': ('bool', False, ['R']), 'validate': ('bool', True),
                                  'dry-run': ('bool', False), 'output': ('str', '', ['o']), 'prune': ('bool', False), 'force': ('bool', False),
                                  'server-dry-run': ('bool', False), 'wait': ('bool', False)})
    except cli.UsageError as e:
        die('Error: %s' % e)
    if not f['filename']:
        die('error: must specify one of -f and -k' if False else 'error: must specify --filename to apply')
    errors = []
    for name, objs in load_sources(f['filename'], f['recursive']):
        for o in objs:
            ok, msg = check_object(name, o)
            if not ok:
                errors.append(msg)
                continue
            obj_ns(ctx, o)
            label = '%s/%s' % (kinds.kind_dot_group(o['kind'], o['apiVersion']), (o.get('metadata') or {}).get('name'))
            if f['dry-run']:
                print('%s %s (dry run)' % (label, 'configured'))
                continue
            code, body = ctx.call('POST', '/k8splay/apply', o)
            if code != 200:
                verb = 'creating' if (body or {}).get('reason') in ('NotFound', 'Invalid') else 'applying patch'
                errors.append(server_error(body, 'error when %s "%s": ' % (verb, name)))
                continue
            if body.get('warning'):
                sys.stderr.write(body['warning'] + '\n')
            print('%s %s' % (label, body['action']))
            sys.stdout.flush()
    for e in errors:
        sys.stderr.write(e + '\n')
    return 1 if errors else 0


def _diff_name(o):
    g, v = kinds.split_api_version(o['apiVersion'])
    md = o.get('metadata') or {}
    return '%s%s.%s.%s.%s' % (g + '.' if g else '', v, o['kind'], md.get('namespace') or '', md.get('name'))


def cmd_diff(ctx, args):
    try:
        f, _ = cli.parse(args, {'filename': ('list', [], ['f']), 'recursive': ('bool', False, ['R'])})
    except cli.UsageError as e:
        die('Error: %s' % e)
    if not f['filename']:
        die('error: Missing filename')
    tmp = tempfile.gettempdir()
    live_dir = tempfile.mkdtemp(prefix='LIVE-', dir=tmp)
    merged_dir = tempfile.mkdtemp(prefix='MERGED-', dir=tmp)
    try:
        for name, objs in load_sources(f['filename'], f['recursive']):
            for o in objs:
                ok, msg = check_object(name, o)
                if not ok:
                    die(msg)
                obj_ns(ctx, o)
                code, body = ctx.call('POST', '/k8splay/preview', o)
                if code != 200:
                    die(server_error(body))
                fn = _diff_name(o)
                if body['live'] is not None:
                    live = copy.deepcopy(body['live'])
                    live['apiVersion'] = o['apiVersion']
                    with open(os.path.join(live_dir, fn), 'w') as fh:
                        fh.write(k8s_yaml.dump(live))
                merged = body['merged']
                merged['apiVersion'] = o['apiVersion']
                with open(os.path.join(merged_dir, fn), 'w') as fh:
                    fh.write(k8s_yaml.dump(merged))
        sys.stdout.flush()
        p = subprocess.run([os.environ.get('KUBECTL_EXTERNAL_DIFF') or 'diff', '-u', '-N', live_dir, merged_dir])
        # 1.13: the diff program's exit status is kubectl's (1 = differences); errors exit 1 too.
        return p.returncode
    finally:
        shutil.rmtree(live_dir, ignore_errors=True)
        shutil.rmtree(merged_dir, ignore_errors=True)


def cmd_delete(ctx, args):
    try:
        f, pos = cli.parse(args, {'filename': ('list', [], ['f']), 'recursive': ('bool', False, ['R']), 'ignore-not-found': ('bool', False),
                                  'all': ('bool', False), 'wait': ('bool', True), 'grace-period': ('int', -1), 'force': ('bool', False),
                                  'now': ('bool', False), 'timeout': ('str', '0s')})
    except cli.UsageError as e:
        die('Error: %s' % e)
    targets = []  # (source, object)
    errors = []
    if f['filename']:
        for name, objs in load_sources(f['filename'], f['recursive']):
            for o in objs:
                ok, msg = check_object(name, o)
                if not ok:
                    errors.append(msg)
                    continue
                obj_ns(ctx, o)
                targets.append((name, o))
    else:
        if not pos:
            die('error: You must provide one or more resources by argument or filename.')
        pairs = [(p.split('/', 1)[0], p.split('/', 1)[1]) for p in pos] if '/' in pos[0] else [(pos[0], n) for n in pos[1:]]
        for r, n in pairs:
            kind = kinds.resolve(r)
            if kind is None:
                die('error: the server doesn\'t have a resource type "%s"' % r)
            group = r.split('.', 1)[1] if '.' in r else None
            targets.append((None, {'apiVersion': kinds.default_api_version(kind, group), 'kind': kind,
                                   'metadata': {'name': n, **({'namespace': ctx.namespace} if kinds.namespaced(kind) else {})}}))
    for src, o in targets:
        md = o['metadata']
        code, body = ctx.call('DELETE', '/k8splay/objects/%s/%s/%s?apiVersion=%s' % (o['kind'], md.get('namespace') or '-', md['name'], o['apiVersion']))
        if code == 404 and f['ignore-not-found']:
            continue
        if code != 200:
            errors.append(server_error(body, 'error when deleting "%s": ' % src if src else ''))
            continue
        print('%s "%s" deleted' % (kinds.kind_dot_group(o['kind'], o['apiVersion']), md['name']))
    for e in errors:
        sys.stderr.write(e + '\n')
    return 1 if errors else 0


def cmd_create(ctx, args):
    if args and args[0] == 'deployment':
        try:
            f, pos = cli.parse(args[1:], {'image': ('list', []), 'dry-run': ('bool', False), 'output': ('str', '', ['o']), 'save-config': ('bool', False)})
        except cli.UsageError as e:
            die('Error: %s' % e)
        if not pos:
            die('error: NAME is required for deployment\nSee \'kubectl create deployment -h\' for help and examples.')
        if not f['image']:
            die('error: required flag(s) "image" not set')
        name = pos[0]
        imgs = f['image']
        containers = [{'image': i, 'name': (i.split('/')[-1].split(':')[0].split('@')[0] if len(imgs) > 1 else name)} for i in imgs]
        obj = {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'labels': {'app': name}, 'name': name, 'namespace': ctx.namespace},
               'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': name}},
                        'template': {'metadata': {'labels': {'app': name}}, 'spec': {'containers': containers}}}}
        return _create(ctx, obj, None, f['dry-run'], f['output'])
    try:
        f, pos = cli.parse(args, {'filename': ('list', [], ['f']), 'recursive': ('bool', False, ['R']), 'save-config': ('bool', False),
                                  'dry-run': ('bool', False), 'output': ('str', '', ['o']), 'validate': ('bool', True)})
    except cli.UsageError as e:
        die('Error: %s' % e)
    if not f['filename']:
        die('error: k8splay sandbox stand-in: `kubectl create %s` is not implemented' % ' '.join(args))
    rc = 0
    for name, objs in load_sources(f['filename'], f['recursive']):
        for o in objs:
            ok, msg = check_object(name, o)
            if not ok:
                sys.stderr.write(msg + '\n')
                rc = 1
                continue
            obj_ns(ctx, o)
            rc |= _create(ctx, o, name, f['dry-run'], f['output'], exit_on_error=False)
    return rc


def _create(ctx, obj, source, dry_run, output, exit_on_error=True, verb='created'):
    label = '%s/%s' % (kinds.kind_dot_group(obj['kind'], obj['apiVersion']), obj['metadata']['name'])
    if dry_run:
        if output:
            sys.stdout.write(printers.output(output, [obj], True, obj['kind']) or '')
        else:
            print('%s %s (dry run)' % (label, verb))
        return 0
    code, body = ctx.call('POST', '/k8splay/create', obj)
    if code not in (200, 201):
        msg = server_error(body, 'error when creating "%s": ' % source if source and body.get('reason') != 'AlreadyExists' else '')
        if exit_on_error:
            die(msg)
        sys.stderr.write(msg + '\n')
        return 1
    print('%s %s' % (label, verb))
    return 0


def cmd_expose(ctx, args):
    try:
        f, pos = cli.parse(args, {'port': ('str', ''), 'target-port': ('str', ''), 'type': ('str', ''), 'name': ('str', ''),
                                  'protocol': ('str', ''), 'selector': ('str', ''), 'dry-run': ('bool', False), 'output': ('str', '', ['o']),
                                  'external-ip': ('str', ''), 'labels': ('str', '', ['l'])})
    except cli.UsageError as e:
        die('Error: %s' % e)
    if '/' in (pos[0] if pos else ''):
        pos = pos[0].split('/', 1) + pos[1:]
    if len(pos) < 2:
        die('error: You must provide one or more resources by argument or filename.')
    kind = kinds.resolve(pos[0])
    if kind not in ('Deployment', 'Service', 'Pod', 'ReplicaSet', 'ReplicationController'):
        die('error: cannot expose a %s' % (kind or pos[0]))
    name = pos[1]
    group = 'extensions' if kind in ('Deployment', 'ReplicaSet') else ''
    code, src = ctx.call('GET', '/k8splay/objects/%s/%s/%s?apiVersion=%s' % (kind, ctx.namespace, name, kinds.default_api_version(kind, group or None)))
    if code != 200:
        die(server_error(src))
    if f['selector']:
        selector = dict(p.split('=', 1) for p in f['selector'].split(','))
    elif kind == 'Service':
        selector = src['spec'].get('selector') or {}
    elif kind == 'Pod':
        selector = src['metadata'].get('labels') or {}
    else:
        selector = (src['spec'].get('selector') or {}).get('matchLabels') or {}
    port = f['port']
    if not port:
        cs = (((src.get('spec') or {}).get('template') or {}).get('spec') or {}).get('containers') or []
        ports = [p.get('containerPort') for c in cs for p in c.get('ports') or []]
        if not ports:
            die("error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples.")
        port = str(ports[0])
    svc_port = {'port': int(port), 'protocol': f['protocol'] or 'TCP', 'targetPort': int(f['target-port']) if f['target-port'].isdigit() else (f['target-port'] or int(port))}
    svc = {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'labels': src['metadata'].get('labels') or {}, 'name': f['name'] or name, 'namespace': ctx.namespace},
           'spec': {'ports': [svc_port], 'selector': selector}}
    if f['type']:
        types = {'clusterip': 'ClusterIP', 'nodeport': 'NodePort', 'loadbalancer': 'LoadBalancer', 'externalname': 'ExternalName'}
        if f['type'].lower() not in types:
            die('error: Service "%s" is invalid: spec.type: Unsupported value: "%s": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"' % (svc['metadata']['name'], f['type']))
        svc['spec']['type'] = types[f['type'].lower()]
    return _create(ctx, svc, None, f['dry-run'], f['output'], verb='exposed')


def _condition(o, cond):
    for c in (o.get('status') or {}).get('conditions') or []:
        if c.get('type', '').lower() == cond.lower():
            return c.get('status') == 'True'
    return False


def cmd_wait(ctx, args):
    try:
        f, pos = cli.parse(args, {'for': ('str', ''), 'timeout': ('str', '30s'), 'all': ('bool', False), 'selector': ('str', '', ['l']),
                                  'filename': ('list', [], ['f']), 'all-namespaces': ('bool', False)})
    except cli.UsageError as e:
        die('Error: %s' % e)
    if not f['for'].startswith('condition='):
        die('error: --for must be "delete" or "condition=condition-name"' if f['for'] != 'delete' else 'error: k8splay sandbox stand-in: --for=delete is not implemented')
    cond = f['for'].split('=', 1)[1].split('=')[0]
    timeout = kubetime.parse_go_duration(f['timeout'])
    if timeout is None:
        die('error: invalid argument "%s" for "--timeout" flag: time: invalid duration %s' % (f['timeout'], f['timeout']))
    if f['filename']:
        deadline = time.time() + timeout
        for name, objs in load_sources(f['filename']):
            for o in objs:
                ok, msg = check_object(name, o)
                if not ok:
                    die(msg)
                wait_one(ctx, o['kind'], obj_ns(ctx, o), o['metadata']['name'], o['apiVersion'], cond, deadline)
        return 0
    if '/' in (pos[0] if pos else ''):
        r, _, n = pos[0].partition('/')
        names = [n] + [p.split('/', 1)[-1] for p in pos[1:]]
    else:
        r, names = (pos[0] if pos else ''), pos[1:]
    kind = kinds.resolve(r)
    if kind is None:
        die('error: the server doesn\'t have a resource type "%s"' % r)
    ns = ctx.namespace if kinds.namespaced(kind) else None
    objs = [o for o in _fetch(ctx, kind, ns) if _match_selector(o, f['selector'])]
    if names:
        missing = [n for n in names if n not in [o['metadata']['name'] for o in objs]]
        if missing:
            die('Error from server (NotFound): %s "%s" not found' % (kinds.resource_dot_group(kind, kinds.default_api_version(kind)), missing[0]))
        targets = names
    elif f['all'] or f['selector']:
        targets = [o['metadata']['name'] for o in objs]
        if not targets:
            die('error: no matching resources found')
    else:
        die('error: resource name may not be empty')
    deadline = time.time() + timeout
    for n in targets:
        wait_one(ctx, kind, ns, n, kinds.default_api_version(kind), cond, deadline)
    return 0


def wait_one(ctx, kind, ns, name, api_version, cond, deadline):
    while True:
        code, o = ctx.call('GET', '/k8splay/objects/%s/%s/%s' % (kind, ns or '-', name))
        if code == 404:
            die(server_error(o))
        if code == 200 and _condition(o, cond):
            print('%s/%s condition met' % (kinds.kind_dot_group(kind, api_version), name))
            sys.stdout.flush()
            return
        if time.time() >= deadline:
            die('error: timed out waiting for the condition on %s/%s' % (kinds.plural(kind), name))
        time.sleep(min(1.0, max(0.1, deadline - time.time())))


def cmd_rollout(ctx, args):
    if not args or args[0] != 'status':
        die('error: k8splay sandbox stand-in: `kubectl rollout %s` is not implemented' % ' '.join(args[:1]))
    try:
        f, pos = cli.parse(args[1:], {'timeout': ('str', '0s'), 'watch': ('bool', True, ['w']), 'revision': ('int', 0)})
    except cli.UsageError as e:
        die('Error: %s' % e)
    if not pos:
        die('error: required resource not specified')
    r, _, name = pos[0].partition('/')
    if not name and len(pos) > 1:
        name = pos[1]
    kind = kinds.resolve(r)
    if kind not in ('Deployment', 'DaemonSet', 'StatefulSet'):
        die('error: no status viewer has been implemented for %s' % (kind or r))
    timeout = kubetime.parse_go_duration(f['timeout']) or 0
    deadline = time.time() + timeout if timeout else None
    last = None
    while True:
        code, o = ctx.call('GET', '/k8splay/objects/%s/%s/%s' % (kind, ctx.namespace, name))
        if code != 200:
            die(server_error(o))
        st = o.get('status') or {}
        if kind == 'Deployment':
            want, avail = int(o['spec'].get('replicas', 1)), st.get('availableReplicas', 0)
            if avail >= want:
                print('deployment "%s" successfully rolled out' % name)
                return 0
            msg = 'Waiting for deployment "%s" rollout to finish: %d of %d updated replicas are available...' % (name, avail, want)
        else:
            want, avail = st.get('desiredNumberScheduled', 0), st.get('numberAvailable', 0)
            if avail >= want:
                print('daemon set "%s" successfully rolled out' % name)
                return 0
            msg = 'Waiting for daemon set "%s" rollout to finish: %d of %d updated pods are available...' % (name, avail, want)
        if msg != last:
            print(msg)
            sys.stdout.flush()
            last = msg
        if not f['watch']:
            return 0
        if deadline and time.time() >= deadline:
            die('error: timed out waiting for the condition')
        time.sleep(1)


HELP = """kubectl controls the Kubernetes cluster manager. (k8splay sandbox stand-in for kubectl v1.13.3; sandbox hosts only)

 Find more information at: https://kubernetes.io/docs/reference/kubectl/overview/

Commands implemented by the stand-in:
  create deployment, expose, get, apply, diff, delete, wait, rollout status, cluster-info, version
"""


def main(argv):
    # Global flags may come anywhere; split them out first.
    spec = dict(GLOBAL)
    gl, rest = {}, []
    i = 0
    glob_names = {n: k for k, s in spec.items() for n in [k] + (s[2] if len(s) > 2 else [])}
    while i < len(argv):
        a = argv[i]
        key = a.lstrip('-').split('=', 1)[0] if a.startswith('-') else None
        if key in glob_names and not (key in ('h', 'help') and rest):
            name = glob_names[key]
            if spec[name][0] == 'bool':
                gl[name] = True
            elif '=' in a:
                gl[name] = a.split('=', 1)[1]
            elif i + 1 < len(argv):
                gl[name] = argv[i + 1]
                i += 1
        elif a.startswith('-n') and len(a) > 2 and not a.startswith('--'):
            gl['namespace'] = a[2:]
        else:
            rest.append(a)
        i += 1
    g = {k: gl.get(k, s[1]) for k, s in spec.items()}
    if g['help'] or not rest or rest[0] in ('help', '--help', '-h'):
        print(HELP)
        return 0
    cmd, args = rest[0], rest[1:]
    if '--help' in args or '-h' in args:
        print('k8splay sandbox stand-in for kubectl %s: %s' % (version.GIT_VERSION, cmd))
        return 0
    if cmd == 'version' and ('--client' in args or '-c' in args or any(a.startswith('--client=t') for a in args)):
        return cmd_version(None, args)
    ctx = Ctx(g)
    handlers = {'version': cmd_version, 'cluster-info': cmd_cluster_info, 'get': cmd_get, 'apply': cmd_apply, 'diff': cmd_diff,
                'delete': cmd_delete, 'create': cmd_create, 'expose': cmd_expose, 'wait': cmd_wait, 'rollout': cmd_rollout}
    if cmd not in handlers:
        die('Error: unknown command "%s" for "kubectl"\nRun \'kubectl --help\' for usage.' % cmd)
    return handlers[cmd](ctx, args)


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends us quietly, as Go programs end
    sys.exit(main(sys.argv[1:]) or 0)
