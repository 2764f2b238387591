"""The control-plane stand-in's cluster state and the controllers that derive pods and statuses.

State is one JSON document (persisted by apiserver.py). Objects applied by kubectl are kept as
given plus the fields a real API server adds; pods, node conditions and workload statuses are
derived here on every request from the objects, the nodes' heartbeats and the images each
kubelet reports:

* a node is Ready when its kubelet heartbeat is fresh AND a network-plugin DaemonSet (flannel:
  a DaemonSet mounting /etc/cni/net.d or named like a CNI plugin) schedules a pod on it AND the
  node holds every image of that pod (standins/CONTRACT.md);
* Deployment and coredns pods are scheduled only on Ready nodes whose taints they tolerate
  (Pending otherwise); DaemonSet pods go to every node matching nodeSelector and tolerations;
* a pod is Running when its node holds all its images; ErrImagePull / ImagePullBackOff when the
  node's kubelet reported a failed pull; ContainerCreating (Init:0/N) while it is pulling.
"""
import copy
import hashlib
import ipaddress
import json
import random
import time
import uuid

import images as imagelib
import kinds

HEARTBEAT_GRACE = 40.0  # node-monitor-grace-period: NotReady after this long without a heartbeat
SAFE = 'bcdfghjklmnpqrstvwxz2456789'
CNI_NAMES = ('flannel', 'calico', 'weave', 'cilium', 'canal', 'kube-router')


class ApiError(Exception):
    """An error the API server answers with: `code` (HTTP), `reason` (StatusReason), message."""

    def __init__(self, code, reason, message):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message


def new_state():
    return {'version': 1, 'config': None, 'tokens': {}, 'nodes': {}, 'objects': {}, 'pods': {}, 'rv': 1}


def _rand(n, rng=random):
    return ''.join(rng.choice(SAFE) for _ in range(n))


def _hash10(obj):
    h = hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).digest()
    return ''.join(SAFE[b % len(SAFE)] for b in h[:10])


def key_of(kind, namespace, name):
    return '%s/%s/%s' % (kind, namespace or '', name)


def _iso(ts):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(ts))


# --------------------------------------------------------------------------- bootstrap (kubeadm init)

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


# --------------------------------------------------------------------------- objects

def _with_server_fields(state, obj, live, now):
    """`obj` (a manifest) completed with what the API server sets, keeping `live`'s where present."""
    o = copy.deepcopy(obj)
    o.pop('status', None)
    md = o.setdefault('metadata', {})
    lmd = (live or {}).get('metadata', {})
    md['uid'] = lmd.get('uid') or str(uuid.uuid4())
    md['creationTimestamp'] = lmd.get('creationTimestamp') or _iso(now)
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
        o['secrets'] = (live or {}).get('secrets') or [{'name': '%s-token-%s' % (md['name'], _rand(5))}]
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
    used = {p.get('nodePort') for s in _objects(state, 'Service') for p in s['spec'].get('ports') or []}
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
    used = {s['spec'].get('clusterIP') for s in _objects(state, 'Service')}
    for _ in range(1000):
        ip = str(net[random.randrange(11, min(net.num_addresses - 1, 65534))])
        if ip not in used:
            return ip
    raise ApiError(500, 'InternalError', 'failed to allocate a serviceIP: range is full')


def _objects(state, kind, namespace=None):
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


# --------------------------------------------------------------------------- nodes

def heartbeat(state, hb, now):
    """Registers or refreshes a node from its kubelet's report; returns what that kubelet must do."""
    name = hb['name']
    node = state['nodes'].get(name)
    if node is None:
        cfg = state.get('config') or {}
        idx = len(state['nodes'])
        pod_cidr = None
        if cfg.get('podSubnet'):
            net = ipaddress.ip_network(cfg['podSubnet'], strict=False)
            subnets = list(net.subnets(new_prefix=24)) if net.prefixlen <= 24 else [net]
            pod_cidr = str(subnets[idx % len(subnets)])
        node = state['nodes'][name] = {
            'created': now, 'labels': {'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/hostname': name},
            'taints': [], 'podCIDR': pod_cidr, 'pullErrors': {}, 'nextPodIP': 2, 'uid': str(uuid.uuid4()),
        }
    for f in ('address', 'kubeletVersion', 'osImage', 'kernelVersion', 'containerRuntimeVersion'):
        if hb.get(f):
            node[f] = hb[f]
    node['images'] = [imagelib.normalize(i) for i in hb.get('images') or []]
    node['imageSizes'] = hb.get('imageSizes') or {}
    node['pullErrors'] = hb.get('pullErrors') or {}
    node['lastHeartbeat'] = now
    reconcile(state, now)
    mine = [p for p in state['pods'].values() if p.get('node') == name]
    return {'pods': [{'name': p['name'], 'namespace': p['namespace'], 'images': p['initImages'] + p['images']} for p in mine],
            'nodePorts': node_ports(state, now)}


def mark_master(state, name):
    node = state['nodes'].get(name)
    if node is None:
        raise ApiError(404, 'NotFound', 'nodes "%s" not found' % name)
    node['labels']['node-role.kubernetes.io/master'] = ''
    if not any(t.get('key') == 'node-role.kubernetes.io/master' for t in node['taints']):
        node['taints'].append({'key': 'node-role.kubernetes.io/master', 'effect': 'NoSchedule'})


def _fresh(node, now):
    return now - node.get('lastHeartbeat', 0) <= HEARTBEAT_GRACE


def _pod_spec(obj):
    return ((obj.get('spec') or {}).get('template') or {}).get('spec') or {}


def _is_network_plugin(ds):
    name = ds['metadata']['name']
    spec = _pod_spec(ds)
    mounts_cni = any(((v.get('hostPath') or {}).get('path') or '').rstrip('/') == '/etc/cni/net.d' for v in spec.get('volumes') or [])
    return mounts_cni or any(n in name for n in CNI_NAMES)


def _images_of(spec):
    return ([c.get('image', '') for c in spec.get('initContainers') or []], [c.get('image', '') for c in spec.get('containers') or []])


def _has_all(node, refs):
    have = set(node.get('images') or [])
    return all(imagelib.normalize(r) in have for r in refs if r)


def network_ready(state, name, now):
    node = state['nodes'][name]
    for ds in _objects(state, 'DaemonSet'):
        if _is_network_plugin(ds) and _eligible(node, _pod_spec(ds)):
            init, main = _images_of(_pod_spec(ds))
            if _has_all(node, init + main):
                return True
    return False


def node_ready(state, name, now):
    return _fresh(state['nodes'][name], now) and network_ready(state, name, now)


def _tolerates(tolerations, taint):
    for t in tolerations or []:
        op = t.get('operator', 'Equal')
        if t.get('effect') and t['effect'] != taint.get('effect'):
            continue
        if op == 'Exists' and (not t.get('key') or t['key'] == taint['key']):
            return True
        if op == 'Equal' and t.get('key') == taint['key'] and (t.get('value') or '') == (taint.get('value') or ''):
            return True
    return False


def _eligible(node, spec):
    sel = spec.get('nodeSelector') or {}
    if any(node['labels'].get(k) != str(v) for k, v in sel.items()):
        return False
    return all(_tolerates(spec.get('tolerations'), t) for t in node.get('taints') or [] if t.get('effect') in ('NoSchedule', 'NoExecute'))


# --------------------------------------------------------------------------- controllers

def _new_pod(state, name, ns, owner, spec, labels, node, now, template_hash=None):
    init, main = _images_of(spec)
    pod = {'name': name, 'namespace': ns, 'owner': owner, 'node': node, 'created': now, 'templateHash': template_hash,
           'initImages': init, 'images': main, 'containers': [c.get('name') for c in spec.get('containers') or []],
           'hostNetwork': bool(spec.get('hostNetwork')), 'labels': dict(labels or {}), 'podIP': None, 'spec': spec}
    state['pods']['%s/%s' % (ns, name)] = pod
    return pod


def reconcile(state, now):
    """Brings pods in line with workloads and nodes (DaemonSet, Deployment, static pods)."""
    cfg = state.get('config')
    wanted = set()
    nodes = state['nodes']
    # Static control-plane pods on the master (kubelet runs them from /etc/kubernetes/manifests).
    if cfg:
        master = cfg.get('nodeName')
        if master in nodes:
            repo, ver = cfg['imageRepository'], cfg['kubernetesVersion']
            statics = {'etcd': '%s/etcd:3.2.24' % repo, 'kube-apiserver': '%s/kube-apiserver:%s' % (repo, ver),
                       'kube-controller-manager': '%s/kube-controller-manager:%s' % (repo, ver), 'kube-scheduler': '%s/kube-scheduler:%s' % (repo, ver)}
            for comp, image in statics.items():
                pname = '%s-%s' % (comp, master)
                k = 'kube-system/' + pname
                wanted.add(k)
                if k not in state['pods']:
                    _new_pod(state, pname, 'kube-system', 'Node//' + master, {'containers': [{'name': comp, 'image': image}], 'hostNetwork': True},
                             {'component': comp, 'tier': 'control-plane'}, master, now)
    for ds in _objects(state, 'DaemonSet'):
        spec = _pod_spec(ds)
        owner = key_of('DaemonSet', ds['metadata']['namespace'], ds['metadata']['name'])
        th = _hash10(spec)
        labels = ((ds['spec'].get('template') or {}).get('metadata') or {}).get('labels')
        for nname, node in sorted(nodes.items()):
            if not _eligible(node, spec):
                continue
            existing = [k for k, p in state['pods'].items() if p['owner'] == owner and p['node'] == nname and p['templateHash'] == th]
            if existing:
                wanted.add(existing[0])
                continue
            pname = '%s-%s' % (ds['metadata']['name'], _rand(5))
            _new_pod(state, pname, ds['metadata']['namespace'], owner, spec, labels, nname, now, th)
            wanted.add('%s/%s' % (ds['metadata']['namespace'], pname))
    schedulable = [n for n in sorted(nodes) if node_ready(state, n, now)]
    for dep in _objects(state, 'Deployment'):
        spec = _pod_spec(dep)
        ns = dep['metadata']['namespace']
        owner = key_of('Deployment', ns, dep['metadata']['name'])
        th = _hash10(dep['spec'].get('template') or {})
        labels = dict(((dep['spec'].get('template') or {}).get('metadata') or {}).get('labels') or {})
        labels['pod-template-hash'] = th
        mine = sorted([k for k, p in state['pods'].items() if p['owner'] == owner and p['templateHash'] == th], key=lambda k: state['pods'][k]['created'])
        replicas = int(dep['spec'].get('replicas', 1) or 0)
        for k in mine[:replicas]:
            wanted.add(k)
        for _ in range(replicas - len(mine)):
            pname = '%s-%s-%s' % (dep['metadata']['name'], th, _rand(5))
            _new_pod(state, pname, ns, owner, spec, labels, None, now, th)
            wanted.add('%s/%s' % (ns, pname))
        # Pending pods get a node once one is Ready and tolerated (fewest pods first).
        for k in sorted(wanted):
            p = state['pods'].get(k)
            if p and p['owner'] == owner and p['node'] is None:
                ok = [n for n in schedulable if _eligible(nodes[n], spec)]
                if ok:
                    load = {n: sum(1 for q in state['pods'].values() if q['node'] == n) for n in ok}
                    p['node'] = min(ok, key=lambda n: (load[n], n))
    for k in [k for k in state['pods'] if k not in wanted]:
        del state['pods'][k]
    for p in state['pods'].values():
        node = nodes.get(p['node']) if p['node'] else None
        if node and p['podIP'] is None and _has_all(node, p['initImages'] + p['images']):
            if p['hostNetwork'] or not node.get('podCIDR'):
                p['podIP'] = node.get('address')
            else:
                net = ipaddress.ip_network(node['podCIDR'], strict=False)
                p['podIP'] = str(net[node['nextPodIP']])
                node['nextPodIP'] += 1


def pod_status(state, p, now):
    """(STATUS column, ready containers, total containers, phase)."""
    total = len(p['images'])
    if not p['node']:
        return 'Pending', 0, total, 'Pending'
    node = state['nodes'].get(p['node'])
    if node is None:
        return 'Unknown', 0, total, 'Unknown'
    errors = node.get('pullErrors') or {}

    def pull_state(refs):
        for r in refs:
            if r and not _has_all(node, [r]):
                err = errors.get(imagelib.normalize(r))
                if err:
                    return 'ImagePullBackOff' if now - err.get('since', now) > 10 else 'ErrImagePull'
                return 'pulling'
        return None

    s = pull_state(p['initImages'])
    if s:
        return ('Init:%s' % s if s != 'pulling' else 'Init:0/%d' % len(p['initImages'])), 0, total, 'Pending'
    s = pull_state(p['images'])
    if s:
        return (s if s != 'pulling' else 'ContainerCreating'), 0, total, 'Pending'
    if not p['hostNetwork'] and not network_ready(state, p['node'], now):
        return 'ContainerCreating', 0, total, 'Pending'
    return 'Running', total, total, 'Running'


# --------------------------------------------------------------------------- views (API objects)

def node_object(state, name, now):
    n = state['nodes'][name]
    fresh = _fresh(n, now)
    net = network_ready(state, name, now)
    if not fresh:
        cond = {'type': 'Ready', 'status': 'Unknown', 'reason': 'NodeStatusUnknown', 'message': 'Kubelet stopped posting node status.'}
    elif net:
        cond = {'type': 'Ready', 'status': 'True', 'reason': 'KubeletReady', 'message': 'kubelet is posting ready status'}
    else:
        cond = {'type': 'Ready', 'status': 'False', 'reason': 'KubeletNotReady',
                'message': 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized'}
    cond['lastHeartbeatTime'] = _iso(n.get('lastHeartbeat', now))
    cond['lastTransitionTime'] = _iso(n.get('created', now))
    obj = {
        'apiVersion': 'v1', 'kind': 'Node',
        'metadata': {'name': name, 'uid': n['uid'], 'creationTimestamp': _iso(n['created']), 'labels': dict(n['labels']),
                     'annotations': {'kubeadm.alpha.kubernetes.io/cri-socket': '/var/run/dockershim.sock', 'node.alpha.kubernetes.io/ttl': '0',
                                     'volumes.kubernetes.io/controller-managed-attach-detach': 'true'}},
        'spec': {},
        'status': {
            'conditions': [cond],
            'addresses': [{'type': 'InternalIP', 'address': n.get('address', '')}, {'type': 'Hostname', 'address': name}],
            'nodeInfo': {'kubeletVersion': n.get('kubeletVersion', ''), 'kubeProxyVersion': n.get('kubeletVersion', ''), 'operatingSystem': 'linux',
                         'architecture': 'amd64', 'osImage': n.get('osImage', ''), 'kernelVersion': n.get('kernelVersion', ''),
                         'containerRuntimeVersion': n.get('containerRuntimeVersion', 'docker://18.6.1')},
            'images': [{'names': [i], 'sizeBytes': int((n.get('imageSizes') or {}).get(i, 0))} for i in n.get('images') or []],
        },
    }
    if n.get('podCIDR'):
        obj['spec']['podCIDR'] = n['podCIDR']
    taints = list(n.get('taints') or [])
    if not (fresh and net):
        taints.append({'key': 'node.kubernetes.io/not-ready', 'effect': 'NoSchedule'})
    if taints:
        obj['spec']['taints'] = taints
    return obj


def pod_object(state, p, now):
    status, ready, total, phase = pod_status(state, p, now)
    owner_kind, _, owner_name = p['owner'].partition('/')
    owner_name = owner_name.split('/', 1)[-1]
    md = {'name': p['name'], 'namespace': p['namespace'], 'creationTimestamp': _iso(p['created']), 'labels': dict(p['labels'])}
    if owner_kind in ('DaemonSet', 'Deployment'):
        ref_kind, ref_name = ('DaemonSet', owner_name) if owner_kind == 'DaemonSet' else ('ReplicaSet', '%s-%s' % (owner_name, p['templateHash']))
        md['ownerReferences'] = [{'apiVersion': 'apps/v1', 'kind': ref_kind, 'name': ref_name, 'controller': True}]
    node = state['nodes'].get(p['node']) if p['node'] else None
    st = {'phase': phase, 'k8splayStatus': status,
          'conditions': [{'type': 'Ready', 'status': 'True' if phase == 'Running' else 'False'}],
          'containerStatuses': [{'name': c, 'image': img, 'ready': phase == 'Running', 'restartCount': 0} for c, img in zip(p['containers'], p['images'])]}
    if node:
        st['hostIP'] = node.get('address')
        if p['podIP'] and phase == 'Running':
            st['podIP'] = p['podIP']
    spec = copy.deepcopy(p['spec'])
    if p['node']:
        spec['nodeName'] = p['node']
    return {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': md, 'spec': spec, 'status': st}


def _workload_status(state, obj, now):
    if obj['kind'] not in ('Deployment', 'DaemonSet'):
        return None
    owner = key_of(obj['kind'], obj['metadata']['namespace'], obj['metadata']['name'])
    pods = [p for p in state['pods'].values() if p['owner'] == owner]
    ready = sum(1 for p in pods if pod_status(state, p, now)[3] == 'Running')
    if obj['kind'] == 'Deployment':
        want = int(obj['spec'].get('replicas', 1) or 0)
        st = {'replicas': len(pods), 'updatedReplicas': len(pods), 'readyReplicas': ready, 'availableReplicas': ready,
              'unavailableReplicas': max(0, want - ready), 'observedGeneration': obj['metadata'].get('generation', 1)}
        st['conditions'] = [{'type': 'Available', 'status': 'True' if ready >= want else 'False',
                             'reason': 'MinimumReplicasAvailable' if ready >= want else 'MinimumReplicasUnavailable'}]
        return st
    if obj['kind'] == 'DaemonSet':
        return {'desiredNumberScheduled': len(pods), 'currentNumberScheduled': len(pods), 'updatedNumberScheduled': len(pods),
                'numberReady': ready, 'numberAvailable': ready, 'numberUnavailable': len(pods) - ready,
                'observedGeneration': obj['metadata'].get('generation', 1)}
    return None


def list_objects(state, kind, namespace, now):
    """Objects of `kind` (namespace None: all namespaces), as the API server returns them."""
    reconcile(state, now)
    if kind == 'Node':
        return [node_object(state, n, now) for n in sorted(state['nodes'])]
    if kind == 'Pod':
        pods = [p for p in state['pods'].values() if namespace is None or p['namespace'] == namespace]
        return [pod_object(state, p, now) for p in sorted(pods, key=lambda p: (p['namespace'], p['name']))]
    if kind == 'Endpoints':
        return [_endpoints(state, s, now) for s in _objects(state, 'Service', namespace)]
    out = []
    for o in sorted(_objects(state, kind, namespace), key=lambda o: (o['metadata'].get('namespace', ''), o['metadata']['name'])):
        o = copy.deepcopy(o)
        st = _workload_status(state, o, now)
        if st is not None:
            o['status'] = st
        if kind == 'Namespace':
            o['status'] = {'phase': 'Active'}
        if kind == 'Service':
            o['status'] = {'loadBalancer': {}}
        out.append(o)
    return out


def get_object(state, kind, namespace, name, now):
    for o in list_objects(state, kind, namespace if kinds.namespaced(kind) else None, now):
        if o['metadata']['name'] == name:
            return o
    return None


def _selected_pods(state, svc, now):
    sel = svc['spec'].get('selector') or {}
    if not sel:
        return []
    ns = svc['metadata']['namespace']
    return [p for p in state['pods'].values()
            if p['namespace'] == ns and all(p['labels'].get(k) == v for k, v in sel.items()) and pod_status(state, p, now)[3] == 'Running']


def _endpoints(state, svc, now):
    pods = _selected_pods(state, svc, now)
    subsets = []
    if pods:
        subsets = [{'addresses': [{'ip': p['podIP'], 'nodeName': p['node']} for p in pods],
                    'ports': [{'port': pt.get('targetPort'), 'protocol': pt.get('protocol', 'TCP'), **({'name': pt['name']} if pt.get('name') else {})}
                              for pt in svc['spec'].get('ports') or []]}]
    return {'apiVersion': 'v1', 'kind': 'Endpoints', 'metadata': {'name': svc['metadata']['name'], 'namespace': svc['metadata']['namespace'],
                                                                  'creationTimestamp': svc['metadata']['creationTimestamp']}, 'subsets': subsets}


def node_ports(state, now):
    """NodePort services with at least one Running endpoint: what every node's kube-proxy opens."""
    out = []
    for svc in _objects(state, 'Service'):
        if svc['spec'].get('type') not in ('NodePort', 'LoadBalancer'):
            continue
        pods = _selected_pods(state, svc, now)
        if not pods:
            continue
        images = [imagelib.normalize(i) for p in pods for i in p['images']]
        for pt in svc['spec'].get('ports') or []:
            if pt.get('nodePort') and pt.get('protocol', 'TCP') == 'TCP':
                out.append({'port': pt['nodePort'], 'service': '%s/%s' % (svc['metadata']['namespace'], svc['metadata']['name']),
                            'images': images, 'pods': [p['name'] for p in pods]})
    return out


# --------------------------------------------------------------------------- tokens

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
