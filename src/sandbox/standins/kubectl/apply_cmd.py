"""`kubectl apply`, `diff` and `delete` on -f sources (files, directories, URLs, stdin)."""
import copy
import os
import shutil
import subprocess
import sys
import tempfile

import cli
import k8s_yaml
import kinds
from core import die, server_error, obj_ns, load_sources, check_object


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
