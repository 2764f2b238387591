"""`kubectl wait --for=condition=...` and `kubectl rollout status`."""
import sys
import time

import cli
import kinds
import kubetime
from core import die, server_error, obj_ns, load_sources, check_object
from get_cmd import fetch_objects, match_selector


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
    objs = [o for o in fetch_objects(ctx, kind, ns) if match_selector(o, f['selector'])]
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
