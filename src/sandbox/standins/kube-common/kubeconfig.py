"""Reading and writing kubeconfig files the way kubeadm writes them and kubectl reads them."""
import base64
import os

import k8s_yaml


class KubeconfigError(Exception):
    pass


def load(path):
    with open(path) as f:
        doc = k8s_yaml.load(f.read()) or {}
    if not isinstance(doc, dict):
        raise KubeconfigError('error loading config file "%s": v1.Config.Clusters: []v1.NamedCluster: decode slice: expect [ or n, but found' % path)
    return doc


def current(doc, context=None):
    """(server URL, namespace, cluster dict) of the current (or named) context."""
    ctx_name = context or doc.get('current-context') or ''
    ctx = next((c.get('context') or {} for c in doc.get('contexts') or [] if c.get('name') == ctx_name), None)
    if ctx is None:
        return None, 'default', {}
    cluster = next((c.get('cluster') or {} for c in doc.get('clusters') or [] if c.get('name') == ctx.get('cluster')), {})
    return cluster.get('server'), ctx.get('namespace') or 'default', cluster


def ca_pem(cluster):
    """The CA certificate PEM of a cluster entry (certificate-authority-data or -file)."""
    if cluster.get('certificate-authority-data'):
        return base64.b64decode(cluster['certificate-authority-data']).decode()
    if cluster.get('certificate-authority'):
        with open(cluster['certificate-authority']) as f:
            return f.read()
    return None


def host_port(server):
    """'192.168.2.100:6443' of 'https://192.168.2.100:6443' (port 443 when absent)."""
    s = server
    for p in ('https://', 'http://'):
        if s.startswith(p):
            s = s[len(p):]
    s = s.split('/', 1)[0]
    if ':' not in s:
        s += ':443' if server.startswith('https://') else ':80'
    return s


def render(server, ca_pem_text, cluster='kubernetes', user='kubernetes-admin', client_cert=None, client_key=None):
    """kubeconfig text as kubeadm writes admin.conf / kubelet.conf / ... (sorted keys, like Go's YAML)."""
    b64 = lambda s: base64.b64encode(s.encode()).decode()
    ctx = '%s@%s' % (user, cluster)
    user_entry = {}
    if client_cert:
        user_entry = {'client-certificate-data': b64(client_cert), 'client-key-data': b64(client_key)}
    doc = {
        'apiVersion': 'v1',
        'clusters': [{'cluster': {'certificate-authority-data': b64(ca_pem_text), 'server': server}, 'name': cluster}],
        'contexts': [{'context': {'cluster': cluster, 'user': user}, 'name': ctx}],
        'current-context': ctx,
        'kind': 'Config',
        'preferences': {},
        'users': [{'name': user, 'user': user_entry}],
    }
    return k8s_yaml.dump(doc)


def write(path, text, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
