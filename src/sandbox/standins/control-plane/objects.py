"""The control-plane stand-in's state and its API objects: bootstrap (kubeadm init), apply /
create / delete with the fields a real API server sets, bootstrap tokens.

State is one JSON document (persisted by apiserver.py): config, tokens, nodes, objects (each
with its last-applied configuration: it decides created / configured / unchanged), pods.
"""
import copy
import hashlib
import ipaddress
import json
import random
import time
import uuid

import kinds


class ApiError(Exception):
    """An error the API server answers with: `code` (HTTP), `reason` (StatusReason), message."""

    def __init__(self, code, reason, message):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message


# Letters of generated names (pod suffixes, template hashes), as the API server's.
SAFE = 'bcdfghjklmnpqrstvwxz2456789'


def new_state():
    return {'version': 1, 'config': None, 'tokens': {}, 'nodes': {}, 'objects': {}, 'pods': {}, 'rv': 1}


def rand_suffix(n, rng=random):
    return ''.join(rng.choice(SAFE) for _ in range(n))


def template_hash(obj):
    h = hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).digest()
    return ''.join(SAFE[b % len(SAFE)] for b in h[:10])


def key_of(kind, namespace, name):
    return '%s/%s/%s' % (kind, namespace or '', name)


def iso_time(ts):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(ts))


def bootstrap(state, config, now):
    """Records kubeadm init's configuration and creates what init creates (idempotent)."""
    state['config'] = config
    repo = config['imageRepository']
    for ns in ('default', 'kube-system', 'kube-public'):
        _ensure(state, {'apiVersion': 'v1', 'kind': 'Namespace', 'metadata': {'name': ns}, 'spec': {'finalizers': ['kubernetes']}}, now)
    net = ipaddress.ip_network(config['serviceSubnet'], strict=False)
    _ensure(state, {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 'kubernetes', 'namespace': 'default', 'labels': {'component': 'apiserver', 'provider': 'kubernetes'}},
                    'spec': {'clusterIP': str(net[1]), 'type': 'ClusterIP', 'ports': [{'name': 'https', 'port': 443, 'protocol': 'TCP', 'targetPort': config['bindPort']}], 'sessionAffinity': 'None'}}, now)
    _ensure(state, {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 'kube-dns', 'namespace': 'kube-system', 'labels': {'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'KubeDNS'}},
                    'spec': {'clusterIP': str(net[10]), 'type': 'ClusterIP', 'selector': {'k8s-app': 'kube-dns'},
                             'ports': [{'name': 'dns', 'port': 53, 'protocol': 'UDP', 'targetPort': 53}, {'name': 'dns-tcp', 'port': 53, 'protocol': 'TCP', 'targetPort': 53}]}}, now)
    _ensure(state, {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'kubeadm-config', 'namespace': 'kube-system'},
                    'data': {'ClusterConfiguration': config.get('clusterConfigurationYAML', '')}}, now)
    _ensure(state, {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'kubelet-config-1.13', 'namespace': 'kube-system'},
                    'data': {'kubelet': config.get('kubeletConfigYAML', '')}}, now)
    _ensure(state, {'apiVersion': 'v1', 'kind': 'ServiceAccount', 'metadata': {'name': 'coredns', 'namespace': 'kube-system'}}, now)
    _ensure(state, {'apiVersion': 'v1', 'kind': 'ServiceAccount', 'metadata': {'name': 'kube-proxy', 'namespace': 'kube-system'}}, now)
    _ensure(state, {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'coredns', 'namespace': 'kube-system', 'labels': {'k8s-app': 'kube-dns'}},
                    'spec': {'replicas': 2, 'selector': {'matchLabels': {'k8s-app': 'kube-dns'}},
                             'template': {'metadata': {'labels': {'k8s-app': 'kube-dns'}},
                                          'spec': {'containers': [{'name': 'coredns', 'image': '%s/coredns:1.2.6' % repo}],
                                                   'serviceAccountName': 'coredns',
                                                   'tolerations': [{'key': 'CriticalAddonsOnly', 'operator': 'Exists'}, {'effect': 'NoSchedule', 'key': 'node-role.kubernetes.io/master'}]}}}}, now)
    _ensure(state, {'apiVersion': 'apps/v1', 'kind': 'DaemonSet', 'metadata': {'name': 'kube-proxy', 'namespace': 'kube-system', 'labels': {'k8s-app': 'kube-proxy'}},
                    'spec': {'selector': {'matchLabels': {'k8s-app': 'kube-proxy'}},
                             'template': {'metadata': {'labels': {'k8s-app': 'kube-proxy'}},
                                          'spec': {'hostNetwork': True, 'serviceAccountName': 'kube-proxy',
                                                   'containers': [{'name': 'kube-proxy', 'image': '%s/kube-proxy:%s' % (repo, config['kubernetesVersion'])}],
                                                   'tolerations': [{'key': 'CriticalAddonsOnly', 'operator': 'Exists'}, {'operator': 'Exists'}]}}}}, now)


def _ensure(state, obj, now):
    k = key_of(obj['kind'], obj['metadata'].get('namespace'), obj['metadata']['name'])
    if k not in state['objects']:
        state['objects'][k] = {'object': _with_server_fields(state, obj, None, now), 'lastApplied': None}


def _with_server_fields(state, obj, live, now):
    """`obj` (a manifest) completed with what the API server sets, keeping `live`'s where present."""
    o = copy.deepcopy(obj)
    o.pop('status', None)
    md = o.setdefault('metadata', {})
    lmd = (live or {}).get('metadata', {})
    md['uid'] = lmd.get('uid') or str(uuid.uuid4())
    md['creationTimestamp'] = lmd.get('creationTimestamp') or iso_time(now)
    state['rv'] += 1
    md['resourceVersion'] = str(state['rv'])
    if o['kind'] in ('Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet'):
        changed = live is None or live.get('spec') != o.get('spec')
        md['generation'] = (lmd.get('generation') or 0) + (1 if changed else 0) if live else 1
        spec = o.setdefault('spec', {})
        if o['kind'] == 'Deployment':
            spec.setdefault('replicas', 1)
        if 'selector' not in spec:
            labels = ((spec.get('template') or {}).get('metadata') or {}).get('labels') or {}
            spec['selector'] = {'matchLabels': dict(labels)}
    if o['kind'] == 'Service':
        _service_defaults(state, o, live)
    if o['kind'] == 'ServiceAccount' and 'secrets' not in o:
        o['secrets'] = (live or {}).get('secrets') or [{'name': '%s-token-%s' % (md['name'], rand_suffix(5))}]
    if kinds.namespaced(o['kind']):
        md.setdefault('namespace', 'default')
    return o


def _service_defaults(state, o, live):
    spec = o.setdefault('spec', {})
    spec.setdefault('type', 'ClusterIP')
    spec.setdefault('sessionAffinity', 'None')
    lspec = (live or {}).get('spec', {})
    if not spec.get('clusterIP'):
        spec['clusterIP'] = lspec.get('clusterIP') or _alloc_cluster_ip(state)
    used = {p.get('nodePort') for s in objects_of_kind(state, 'Service') for p in s['spec'].get('ports') or []}
    live_ports = {(p.get('port'), p.get('protocol', 'TCP')): p for p in lspec.get('ports') or []}
    for p in spec.get('ports') or []:
        p.setdefault('protocol', 'TCP')
        p.setdefault('targetPort', p.get('port'))
        if spec['type'] in ('NodePort', 'LoadBalancer') and not p.get('nodePort'):
            lp = live_ports.get((p.get('port'), p['protocol']))
            if lp and lp.get('nodePort'):
                p['nodePort'] = lp['nodePort']
            else:
                free = [n for n in range(30000, 32768) if n not in used]
                p['nodePort'] = random.choice(free)
                used.add(p['nodePort'])
    if spec['type'] in ('NodePort', 'LoadBalancer'):
        spec.setdefault('externalTrafficPolicy', 'Cluster')


def _alloc_cluster_ip(state):
    cfg = state.get('config') or {}
    net = ipaddress.ip_network(cfg.get('serviceSubnet', '10.96.0.0/12'), strict=False)
    used = {s['spec'].get('clusterIP') for s in objects_of_kind(state, 'Service')}
    for _ in range(1000):
        ip = str(net[random.randrange(11, min(net.num_addresses - 1, 65534))])
        if ip not in used:
            return ip
    raise ApiError(500, 'InternalError', 'failed to allocate a serviceIP: range is full')


def objects_of_kind(state, kind, namespace=None):
    out = []
    for k, entry in state['objects'].items():
        o = entry['object']
        if o['kind'] == kind and (namespace is None or o['metadata'].get('namespace') == namespace):
            out.append(o)
    return out


def _check_namespace(state, obj):
    if not kinds.namespaced(obj['kind']):
        return
    ns = obj['metadata'].get('namespace') or 'default'
    if key_of('Namespace', None, ns) not in state['objects']:
        raise ApiError(404, 'NotFound', 'namespaces "%s" not found' % ns)


def _manifest(obj):
    """The part of an applied object that decides created/configured/unchanged."""
    o = copy.deepcopy(obj)
    o.pop('status', None)
    md = o.get('metadata') or {}
    for f in ('uid', 'creationTimestamp', 'resourceVersion', 'generation', 'selfLink'):
        md.pop(f, None)
    ann = md.get('annotations') or {}
    ann.pop('kubectl.kubernetes.io/last-applied-configuration', None)
    if not ann:
        md.pop('annotations', None)
    return o


def _validate(obj):
    if not isinstance(obj, dict):
        raise ApiError(400, 'BadRequest', 'the object is not a mapping')
    md = obj.get('metadata') or {}
    if not md.get('name'):
        raise ApiError(422, 'Invalid', '%s "" is invalid: metadata.name: Required value: name or generateName is required' % kinds.plural(obj.get('kind', '')))


def apply(state, obj, now):
    """kubectl apply: 'created' | 'configured' | 'unchanged' (and a warning for objects made by `create`)."""
    _validate(obj)
    obj = copy.deepcopy(obj)
    md = obj.setdefault('metadata', {})
    if kinds.namespaced(obj['kind']):
        md['namespace'] = md.get('namespace') or 'default'
    else:
        md.pop('namespace', None)  # the API server ignores it on cluster-scoped objects
    _check_namespace(state, obj)
    k = key_of(obj['kind'], md.get('namespace'), md['name'])
    desired = _manifest(obj)
    applied = json.dumps(desired, sort_keys=True, separators=(',', ':'))
    entry = state['objects'].get(k)
    stored = copy.deepcopy(desired)
    stored.setdefault('metadata', {}).setdefault('annotations', {})['kubectl.kubernetes.io/last-applied-configuration'] = applied + '\n'
    if entry is None:
        state['objects'][k] = {'object': _with_server_fields(state, stored, None, now), 'lastApplied': applied}
        return 'created', None
    warning = None
    if entry['lastApplied'] is None:
        warning = 'Warning: kubectl apply should be used on resource created by either kubectl create --save-config or kubectl apply'
    if entry['lastApplied'] == applied:
        return 'unchanged', None
    # Changed fields replace the live ones; fields the manifest never had (server-set) are kept.
    entry['object'] = _with_server_fields(state, stored, entry['object'], now)
    entry['lastApplied'] = applied
    return 'configured', warning


def preview(state, obj, now):
    """(live, merged) of `kubectl diff`: the stored object and what apply would store."""
    md = obj.setdefault('metadata', {})
    if kinds.namespaced(obj['kind']):
        md['namespace'] = md.get('namespace') or 'default'
    else:
        md.pop('namespace', None)  # the API server ignores it on cluster-scoped objects
    k = key_of(obj['kind'], md.get('namespace'), md.get('name'))
    entry = state['objects'].get(k)
    live = copy.deepcopy(entry['object']) if entry else None
    desired = _manifest(obj)
    if entry and entry['lastApplied'] == json.dumps(desired, sort_keys=True, separators=(',', ':')):
        return live, copy.deepcopy(live)
    scratch = copy.deepcopy(state)
    scratch['rv'] = state['rv']
    apply(scratch, obj, now)
    merged = scratch['objects'][k]['object']
    if live:
        merged['metadata']['resourceVersion'] = live['metadata']['resourceVersion']
    else:
        merged['metadata'].pop('resourceVersion', None)
        merged['metadata'].pop('uid', None)
        merged['metadata'].pop('creationTimestamp', None)
    return live, merged


def create(state, obj, now):
    _validate(obj)
    obj = copy.deepcopy(obj)
    md = obj.setdefault('metadata', {})
    if kinds.namespaced(obj['kind']):
        md['namespace'] = md.get('namespace') or 'default'
    else:
        md.pop('namespace', None)  # the API server ignores it on cluster-scoped objects
    _check_namespace(state, obj)
    k = key_of(obj['kind'], md.get('namespace'), md['name'])
    if k in state['objects']:
        raise ApiError(409, 'AlreadyExists', '%s "%s" already exists' % (kinds.resource_dot_group(obj['kind'], obj['apiVersion']), md['name']))
    state['objects'][k] = {'object': _with_server_fields(state, obj, None, now), 'lastApplied': None}
    return state['objects'][k]['object']


def delete(state, kind, namespace, name, api_version):
    k = key_of(kind, namespace if kinds.namespaced(kind) else None, name)
    if k not in state['objects']:
        raise ApiError(404, 'NotFound', '%s "%s" not found' % (kinds.resource_dot_group(kind, api_version), name))
    del state['objects'][k]
    if kind == 'Namespace':
        for other in [x for x, e in state['objects'].items() if e['object']['metadata'].get('namespace') == name]:
            del state['objects'][other]


def add_token(state, token, ttl, description, usages, groups, now):
    tid, secret = token.split('.', 1)
    if tid in state['tokens']:
        raise ApiError(409, 'AlreadyExists', 'a token with id "%s" already exists' % tid)
    state['tokens'][tid] = {'secret': secret, 'expires': (now + ttl) if ttl else None, 'description': description,
                            'usages': usages, 'groups': groups, 'created': now}


def valid_tokens(state, now):
    """Tokens not yet expired (the token cleaner deletes the others)."""
    for tid in [t for t, v in state['tokens'].items() if v['expires'] is not None and v['expires'] <= now]:
        del state['tokens'][tid]
    return state['tokens']
