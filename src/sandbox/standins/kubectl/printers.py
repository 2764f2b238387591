"""kubectl 1.13's output: the human-readable tables of `get` and the -o formats."""
import json
import time

import jsonpath
import k8s_yaml
import kinds
import kubetime
import tabwriter


def age(obj, now):
    ts = (obj.get('metadata') or {}).get('creationTimestamp')
    if not ts:
        return '<unknown>'
    return kubetime.human_duration(now - kubetime.parse_rfc3339(ts))


def _labels(d):
    return ','.join('%s=%s' % (k, v) for k, v in sorted((d or {}).items())) or '<none>'


def _node_row(o, now, wide):
    st = o['status']
    ready = next((c for c in st.get('conditions') or [] if c['type'] == 'Ready'), {})
    status = {'True': 'Ready', 'False': 'NotReady'}.get(ready.get('status'), 'NotReady')
    if any(t.get('effect') == 'NoSchedule' and t.get('key') == 'node.kubernetes.io/unschedulable' for t in o['spec'].get('taints') or []):
        status += ',SchedulingDisabled'
    roles = sorted(k.split('/', 1)[1] for k in (o['metadata'].get('labels') or {}) if k.startswith('node-role.kubernetes.io/'))
    row = [o['metadata']['name'], status, ','.join(roles) or '<none>', age(o, now), st['nodeInfo']['kubeletVersion']]
    if wide:
        ip = next((a['address'] for a in st.get('addresses') or [] if a['type'] == 'InternalIP'), '<none>')
        ni = st['nodeInfo']
        row += [ip, '<none>', ni.get('osImage') or '<unknown>', ni.get('kernelVersion') or '<unknown>', ni.get('containerRuntimeVersion') or '<unknown>']
    return row


def _pod_row(o, now, wide):
    st = o['status']
    cs = st.get('containerStatuses') or []
    ready = sum(1 for c in cs if c.get('ready'))
    row = [o['metadata']['name'], '%d/%d' % (ready, len(cs)), st.get('k8splayStatus') or st.get('phase'), str(sum(c.get('restartCount', 0) for c in cs)), age(o, now)]
    if wide:
        row += [st.get('podIP') or '<none>', o['spec'].get('nodeName') or '<none>', '<none>', '<none>']
    return row


def _ports(spec):
    out = []
    for p in spec.get('ports') or []:
        s = str(p.get('port'))
        if p.get('nodePort'):
            s += ':%d' % p['nodePort']
        out.append('%s/%s' % (s, p.get('protocol', 'TCP')))
    return ','.join(out) or '<none>'


def _svc_row(o, now, wide):
    sp = o['spec']
    ext = ','.join(sp.get('externalIPs') or []) or ('<pending>' if sp.get('type') == 'LoadBalancer' else '<none>')
    row = [o['metadata']['name'], sp.get('type', 'ClusterIP'), sp.get('clusterIP') or '<none>', ext, _ports(sp), age(o, now)]
    if wide:
        row.append(_labels(sp.get('selector')))
    return row


def _containers(o):
    cs = (((o.get('spec') or {}).get('template') or {}).get('spec') or {}).get('containers') or []
    return ','.join(c.get('name', '') for c in cs), ','.join(c.get('image', '') for c in cs)


def _deploy_row(o, now, wide):
    st = o.get('status') or {}
    row = [o['metadata']['name'], str(o['spec'].get('replicas', 1)), str(st.get('replicas', 0)), str(st.get('updatedReplicas', 0)),
           str(st.get('availableReplicas', 0)), age(o, now)]
    if wide:
        names, imgs = _containers(o)
        row += [names, imgs, _labels((o['spec'].get('selector') or {}).get('matchLabels'))]
    return row


def _ds_row(o, now, wide):
    st = o.get('status') or {}
    sel = _labels((((o['spec'].get('template') or {}).get('spec') or {}).get('nodeSelector')))
    row = [o['metadata']['name'], str(st.get('desiredNumberScheduled', 0)), str(st.get('currentNumberScheduled', 0)), str(st.get('numberReady', 0)),
           str(st.get('updatedNumberScheduled', 0)), str(st.get('numberAvailable', 0)), sel, age(o, now)]
    if wide:
        names, imgs = _containers(o)
        row += [names, imgs, _labels((o['spec'].get('selector') or {}).get('matchLabels'))]
    return row


def _endpoints_row(o, now, wide):
    eps = []
    for s in o.get('subsets') or []:
        for a in s.get('addresses') or []:
            for p in s.get('ports') or []:
                eps.append('%s:%s' % (a['ip'], p['port']))
    return [o['metadata']['name'], ','.join(eps[:3]) + (' + %d more...' % (len(eps) - 3) if len(eps) > 3 else '') or '<none>', age(o, now)]


TABLES = {
    'Node': (['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'], ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'], _node_row),
    'Pod': (['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'], _pod_row),
    'Service': (['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], ['SELECTOR'], _svc_row),
    'Deployment': (['NAME', 'DESIRED', 'CURRENT', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR'], _deploy_row),
    'DaemonSet': (['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR'], _ds_row),
    'Namespace': (['NAME', 'STATUS', 'AGE'], [], lambda o, now, w: [o['metadata']['name'], (o.get('status') or {}).get('phase', 'Active'), age(o, now)]),
    'ConfigMap': (['NAME', 'DATA', 'AGE'], [], lambda o, now, w: [o['metadata']['name'], str(len(o.get('data') or {})), age(o, now)]),
    'Secret': (['NAME', 'TYPE', 'DATA', 'AGE'], [], lambda o, now, w: [o['metadata']['name'], o.get('type', 'Opaque'), str(len(o.get('data') or {})), age(o, now)]),
    'ServiceAccount': (['NAME', 'SECRETS', 'AGE'], [], lambda o, now, w: [o['metadata']['name'], str(len(o.get('secrets') or [])), age(o, now)]),
    'Endpoints': (['NAME', 'ENDPOINTS', 'AGE'], [], _endpoints_row),
}


def table(kind, objs, now, wide=False, all_namespaces=False, show_kind=False):
    head, wide_head, fn = TABLES.get(kind, (['NAME', 'AGE'], [], lambda o, now, w: [o['metadata']['name'], age(o, now)]))
    rows = [(['NAMESPACE'] if all_namespaces else []) + head + (wide_head if wide else [])]
    for o in objs:
        r = fn(o, now, wide)
        if show_kind:
            r[0] = '%s/%s' % (kinds.kind_dot_group(o['kind'], o.get('apiVersion', '')), r[0])
        rows.append(([o['metadata'].get('namespace', '')] if all_namespaces else []) + r)
    return tabwriter.render(rows, minwidth=6, padding=3)


def as_list(objs):
    return {'apiVersion': 'v1', 'items': objs, 'kind': 'List', 'metadata': {'resourceVersion': '', 'selfLink': ''}}


def output(fmt, objs, single, kind):
    """Text of -o json|yaml|name|jsonpath=...; None when `fmt` is not one of them."""
    data = objs[0] if single and objs else as_list(objs)
    if fmt == 'json':
        return json.dumps(data, indent=4, sort_keys=True) + '\n'
    if fmt == 'yaml':
        return k8s_yaml.dump(data)
    if fmt == 'name':
        return ''.join('%s/%s\n' % (kinds.kind_dot_group(o['kind'], o.get('apiVersion', '')), o['metadata']['name']) for o in objs)
    if fmt.startswith('jsonpath=') or fmt.startswith('jsonpath'):
        tpl = fmt.split('=', 1)[1] if '=' in fmt else ''
        return jsonpath.render(tpl, data)
    return None


def now():
    return time.time()
