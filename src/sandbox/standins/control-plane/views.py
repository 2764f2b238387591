"""The objects as the API server returns them (nodes, pods, workload statuses, endpoints), the
kubelets' heartbeats and what each kubelet must do (its pods' images, the NodePorts to open)."""
import copy
import ipaddress
import uuid

import images as imagelib
import kinds
from objects import key_of, iso_time, objects_of_kind
from controllers import heartbeat_fresh, network_ready, reconcile, pod_status


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


def node_object(state, name, now):
    n = state['nodes'][name]
    fresh = heartbeat_fresh(n, now)
    net = network_ready(state, name, now)
    if not fresh:
        cond = {'type': 'Ready', 'status': 'Unknown', 'reason': 'NodeStatusUnknown', 'message': 'Kubelet stopped posting node status.'}
    elif net:
        cond = {'type': 'Ready', 'status': 'True', 'reason': 'KubeletReady', 'message': 'kubelet is posting ready status'}
    else:
        cond = {'type': 'Ready', 'status': 'False', 'reason': 'KubeletNotReady',
                'message': 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized'}
    cond['lastHeartbeatTime'] = iso_time(n.get('lastHeartbeat', now))
    cond['lastTransitionTime'] = iso_time(n.get('created', now))
    obj = {
        'apiVersion': 'v1', 'kind': 'Node',
        'metadata': {'name': name, 'uid': n['uid'], 'creationTimestamp': iso_time(n['created']), 'labels': dict(n['labels']),
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
    md = {'name': p['name'], 'namespace': p['namespace'], 'creationTimestamp': iso_time(p['created']), 'labels': dict(p['labels'])}
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
        return [_endpoints(state, s, now) for s in objects_of_kind(state, 'Service', namespace)]
    out = []
    for o in sorted(objects_of_kind(state, kind, namespace), key=lambda o: (o['metadata'].get('namespace', ''), o['metadata']['name'])):
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
    for svc in objects_of_kind(state, 'Service'):
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
