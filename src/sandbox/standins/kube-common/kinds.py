"""The API kinds a v1.13 API server serves: group/versions, plural resource names, scope.

kubectl prints `<kind lower>.<group>/<name>` for apply/create (`daemonset.extensions/x`) and
`<plural>.<group> "<name>"` in server errors (`deployments.apps "nginx" already exists`).
"""

# kind: (plural, namespaced, {group: [versions]}, short names)
KINDS = {
    'Pod': ('pods', True, {'': ['v1']}, ['po']),
    'Service': ('services', True, {'': ['v1']}, ['svc']),
    'Endpoints': ('endpoints', True, {'': ['v1']}, ['ep']),
    'ConfigMap': ('configmaps', True, {'': ['v1']}, ['cm']),
    'Secret': ('secrets', True, {'': ['v1']}, []),
    'ServiceAccount': ('serviceaccounts', True, {'': ['v1']}, ['sa']),
    'Namespace': ('namespaces', False, {'': ['v1']}, ['ns']),
    'Node': ('nodes', False, {'': ['v1']}, ['no']),
    'PersistentVolume': ('persistentvolumes', False, {'': ['v1']}, ['pv']),
    'PersistentVolumeClaim': ('persistentvolumeclaims', True, {'': ['v1']}, ['pvc']),
    'LimitRange': ('limitranges', True, {'': ['v1']}, ['limits']),
    'ResourceQuota': ('resourcequotas', True, {'': ['v1']}, ['quota']),
    'ReplicationController': ('replicationcontrollers', True, {'': ['v1']}, ['rc']),
    'Deployment': ('deployments', True, {'apps': ['v1', 'v1beta2', 'v1beta1'], 'extensions': ['v1beta1']}, ['deploy']),
    'DaemonSet': ('daemonsets', True, {'apps': ['v1', 'v1beta2'], 'extensions': ['v1beta1']}, ['ds']),
    'ReplicaSet': ('replicasets', True, {'apps': ['v1', 'v1beta2'], 'extensions': ['v1beta1']}, ['rs']),
    'StatefulSet': ('statefulsets', True, {'apps': ['v1', 'v1beta2', 'v1beta1']}, ['sts']),
    'Job': ('jobs', True, {'batch': ['v1']}, []),
    'CronJob': ('cronjobs', True, {'batch': ['v1beta1']}, ['cj']),
    'Ingress': ('ingresses', True, {'extensions': ['v1beta1'], 'networking.k8s.io': ['v1beta1']}, ['ing']),
    'NetworkPolicy': ('networkpolicies', True, {'networking.k8s.io': ['v1'], 'extensions': ['v1beta1']}, ['netpol']),
    'PodSecurityPolicy': ('podsecuritypolicies', False, {'extensions': ['v1beta1'], 'policy': ['v1beta1']}, ['psp']),
    'PodDisruptionBudget': ('poddisruptionbudgets', True, {'policy': ['v1beta1']}, ['pdb']),
    'ClusterRole': ('clusterroles', False, {'rbac.authorization.k8s.io': ['v1', 'v1beta1', 'v1alpha1']}, []),
    'ClusterRoleBinding': ('clusterrolebindings', False, {'rbac.authorization.k8s.io': ['v1', 'v1beta1', 'v1alpha1']}, []),
    'Role': ('roles', True, {'rbac.authorization.k8s.io': ['v1', 'v1beta1', 'v1alpha1']}, []),
    'RoleBinding': ('rolebindings', True, {'rbac.authorization.k8s.io': ['v1', 'v1beta1', 'v1alpha1']}, []),
    'StorageClass': ('storageclasses', False, {'storage.k8s.io': ['v1', 'v1beta1']}, ['sc']),
    'CustomResourceDefinition': ('customresourcedefinitions', False, {'apiextensions.k8s.io': ['v1beta1']}, ['crd', 'crds']),
    'PriorityClass': ('priorityclasses', False, {'scheduling.k8s.io': ['v1beta1']}, ['pc']),
    'HorizontalPodAutoscaler': ('horizontalpodautoscalers', True, {'autoscaling': ['v1', 'v2beta1', 'v2beta2']}, ['hpa']),
    'APIService': ('apiservices', False, {'apiregistration.k8s.io': ['v1', 'v1beta1']}, []),
    'MutatingWebhookConfiguration': ('mutatingwebhookconfigurations', False, {'admissionregistration.k8s.io': ['v1beta1']}, []),
    'ValidatingWebhookConfiguration': ('validatingwebhookconfigurations', False, {'admissionregistration.k8s.io': ['v1beta1']}, []),
}

# The group kubectl 1.13 resolves a bare resource name to (`kubectl get deployments` -> extensions).
PREFERRED_GROUP = {
    'Deployment': 'extensions', 'DaemonSet': 'extensions', 'ReplicaSet': 'extensions',
    'Ingress': 'extensions', 'PodSecurityPolicy': 'extensions', 'NetworkPolicy': 'networking.k8s.io',
}


def split_api_version(api_version):
    if '/' in api_version:
        g, v = api_version.split('/', 1)
        return g, v
    return '', api_version


def served(kind, api_version):
    """True when a 1.13 API server serves `kind` in `api_version`."""
    k = KINDS.get(kind)
    if not k:
        return False
    g, v = split_api_version(api_version)
    return v in k[2].get(g, [])


def namespaced(kind):
    k = KINDS.get(kind)
    return True if k is None else k[1]


def plural(kind):
    k = KINDS.get(kind)
    return k[0] if k else kind.lower() + 's'


def kind_dot_group(kind, api_version):
    """`daemonset.extensions`, `serviceaccount`, `clusterrole.rbac.authorization.k8s.io`."""
    g, _ = split_api_version(api_version)
    return kind.lower() + ('.' + g if g else '')


def resource_dot_group(kind, api_version):
    """`deployments.apps`, `services` (the resource in server error messages)."""
    g, _ = split_api_version(api_version)
    return plural(kind) + ('.' + g if g else '')


def resolve(name):
    """The kind a kubectl resource argument names ('po', 'pods', 'deployment.apps', 'svc'), or None."""
    n = name.lower()
    group = None
    if '.' in n:
        n, group = n.split('.', 1)
    for kind, (pl, _, groups, shorts) in KINDS.items():
        if n in (kind.lower(), pl) or n in shorts:
            if group is not None and group not in groups:
                continue
            return kind
    return None


def default_api_version(kind, group=None):
    k = KINDS[kind]
    g = group if group is not None else PREFERRED_GROUP.get(kind, next(iter(k[2])))
    v = k[2].get(g, next(iter(k[2].values())))[0]
    return '%s/%s' % (g, v) if g else v
