"""What the controllers of a real cluster would do, derived on every request (standins/CONTRACT.md):

* a node is Ready when its kubelet heartbeat is fresh AND a network-plugin DaemonSet (flannel:
  a DaemonSet mounting /etc/cni/net.d or named like a CNI plugin) schedules a pod on it AND the
  node holds every image of that pod;
* Deployment and coredns pods are scheduled only on Ready nodes whose taints they tolerate
  (Pending otherwise); DaemonSet pods go to every node matching nodeSelector and tolerations;
* a pod is Running when its node holds all its images; ErrImagePull / ImagePullBackOff when the
  node's kubelet reported a failed pull; ContainerCreating (Init:0/N) while it is pulling.
"""
import ipaddress

import images as imagelib
from objects import ApiError, rand_suffix, template_hash, key_of, objects_of_kind


HEARTBEAT_GRACE = 40.0  # node-monitor-grace-period: NotReady after this long without a heartbeat
CNI_NAMES = ('flannel', 'calico', 'weave', 'cilium', 'canal', 'kube-router')


def mark_master(state, name):
    node = state['nodes'].get(name)
    if node is None:
        raise ApiError(404, 'NotFound', 'nodes "%s" not found' % name)
    node['labels']['node-role.kubernetes.io/master'] = ''
    if not any(t.get('key') == 'node-role.kubernetes.io/master' for t in node['taints']):
        node['taints'].append({'key': 'node-role.kubernetes.io/master', 'effect': 'NoSchedule'})


def heartbeat_fresh(node, now):
    return now - node.get('lastHeartbeat', 0) <= HEARTBEAT_GRACE


def pod_spec(obj):
    return ((obj.get('spec') or {}).get('template') or {}).get('spec') or {}


def _is_network_plugin(ds):
    name = ds['metadata']['name']
    spec = pod_spec(ds)
    mounts_cni = any(((v.get('hostPath') or {}).get('path') or '').rstrip('/') == '/etc/cni/net.d' for v in spec.get('volumes') or [])
    return mounts_cni or any(n in name for n in CNI_NAMES)


def images_of(spec):
    return ([c.get('image', '') for c in spec.get('initContainers') or []], [c.get('image', '') for c in spec.get('containers') or []])


def has_images(node, refs):
    have = set(node.get('images') or [])
    return all(imagelib.normalize(r) in have for r in refs if r)


def network_ready(state, name, now):
    node = state['nodes'][name]
    for ds in objects_of_kind(state, 'DaemonSet'):
        if _is_network_plugin(ds) and eligible(node, pod_spec(ds)):
            init, main = images_of(pod_spec(ds))
            if has_images(node, init + main):
                return True
    return False


def node_ready(state, name, now):
    return heartbeat_fresh(state['nodes'][name], now) and network_ready(state, name, now)


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


def eligible(node, spec):
    sel = spec.get('nodeSelector') or {}
    if any(node['labels'].get(k) != str(v) for k, v in sel.items()):
        return False
    return all(_tolerates(spec.get('tolerations'), t) for t in node.get('taints') or [] if t.get('effect') in ('NoSchedule', 'NoExecute'))


def _new_pod(state, name, ns, owner, spec, labels, node, now, template_hash=None):
    init, main = images_of(spec)
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
    for ds in objects_of_kind(state, 'DaemonSet'):
        spec = pod_spec(ds)
        owner = key_of('DaemonSet', ds['metadata']['namespace'], ds['metadata']['name'])
        th = template_hash(spec)
        labels = ((ds['spec'].get('template') or {}).get('metadata') or {}).get('labels')
        for nname, node in sorted(nodes.items()):
            if not eligible(node, spec):
                continue
            existing = [k for k, p in state['pods'].items() if p['owner'] == owner and p['node'] == nname and p['templateHash'] == th]
            if existing:
                wanted.add(existing[0])
                continue
            pname = '%s-%s' % (ds['metadata']['name'], rand_suffix(5))
            _new_pod(state, pname, ds['metadata']['namespace'], owner, spec, labels, nname, now, th)
            wanted.add('%s/%s' % (ds['metadata']['namespace'], pname))
    schedulable = [n for n in sorted(nodes) if node_ready(state, n, now)]
    for dep in objects_of_kind(state, 'Deployment'):
        spec = pod_spec(dep)
        ns = dep['metadata']['namespace']
        owner = key_of('Deployment', ns, dep['metadata']['name'])
        th = template_hash(dep['spec'].get('template') or {})
        labels = dict(((dep['spec'].get('template') or {}).get('metadata') or {}).get('labels') or {})
        labels['pod-template-hash'] = th
        mine = sorted([k for k, p in state['pods'].items() if p['owner'] == owner and p['templateHash'] == th], key=lambda k: state['pods'][k]['created'])
        replicas = int(dep['spec'].get('replicas', 1) or 0)
        for k in mine[:replicas]:
            wanted.add(k)
        for _ in range(replicas - len(mine)):
            pname = '%s-%s-%s' % (dep['metadata']['name'], th, rand_suffix(5))
            _new_pod(state, pname, ns, owner, spec, labels, None, now, th)
            wanted.add('%s/%s' % (ns, pname))
        # Pending pods get a node once one is Ready and tolerated (fewest pods first).
        for k in sorted(wanted):
            p = state['pods'].get(k)
            if p and p['owner'] == owner and p['node'] is None:
                ok = [n for n in schedulable if eligible(nodes[n], spec)]
                if ok:
                    load = {n: sum(1 for q in state['pods'].values() if q['node'] == n) for n in ok}
                    p['node'] = min(ok, key=lambda n: (load[n], n))
    for k in [k for k in state['pods'] if k not in wanted]:
        del state['pods'][k]
    for p in state['pods'].values():
        node = nodes.get(p['node']) if p['node'] else None
        if node and p['podIP'] is None and has_images(node, p['initImages'] + p['images']):
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
            if r and not has_images(node, [r]):
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
