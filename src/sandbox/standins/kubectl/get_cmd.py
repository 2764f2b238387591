"""`kubectl get`: by type and name, label selector or -f source; tables and -o formats of 1.13."""
import sys
import time

import cli
import jsonpath
import kinds
import printers
import tabwriter
from core import die, server_error, obj_ns, load_sources, check_object


GET_FLAGS = {'output': ('str', '', ['o']), 'all-namespaces': ('bool', False), 'selector': ('str', '', ['l']), 'watch': ('bool', False, ['w']),
             'show-labels': ('bool', False), 'no-headers': ('bool', False), 'ignore-not-found': ('bool', False), 'filename': ('list', [], ['f'])}


def fetch_objects(ctx, kind, ns, group=None):
    code, body = ctx.call('GET', '/k8splay/objects?kind=%s&namespace=%s' % (kind, ns or ''))
    if code != 200:
        die(server_error(body))
    items = body['items']
    av = kinds.default_api_version(kind, group)
    for o in items:
        o['apiVersion'] = av
    return items


def match_selector(o, sel):
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
                results.append((k, [o for o in fetch_objects(ctx, k, ns) if match_selector(o, f['selector'])], False))
            continue
        if kind is None:
            die('error: the server doesn\'t have a resource type "%s"' % r)
        group = r.split('.', 1)[1] if '.' in r else None
        objs = fetch_objects(ctx, kind, ns if kinds.namespaced(kind) else None, group)
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
            results.append((kind, [o for o in objs if match_selector(o, f['selector'])], False))
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
