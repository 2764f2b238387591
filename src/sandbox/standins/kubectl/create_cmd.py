"""`kubectl create deployment`, `create -f` and `expose`."""
import sys

import cli
import kinds
import printers
from core import die, server_error, obj_ns, load_sources, check_object


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
