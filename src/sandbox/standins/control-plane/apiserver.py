#!/usr/bin/python3
"""k8splay sandbox stand-in for kube-apiserver (and the control plane behind it).

Started by `kubeadm init` as k8splay-standin-apiserver.service. Reads its flags from the static
pod manifest kubeadm wrote (/etc/kubernetes/manifests/kube-apiserver.yaml): --advertise-address,
--secure-port, --service-cluster-ip-range. Serves a small JSON API over PLAIN HTTP on
0.0.0.0:<secure-port> (kubeconfigs still say https://; the stand-in clients swap the scheme): no
TLS, no authentication, sandbox hosts only. Also holds ports 10251, 10252, 2379 and 2380 like the
scheduler, controller manager and etcd, so kubeadm's Port-* preflight checks see them in use.
State persists in /var/lib/k8splay-standin/cluster.json, so a restart keeps the cluster.
"""
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

sys.dont_write_bytecode = True  # nothing outside the RPM's files on hosts
HERE = os.path.dirname(os.path.realpath(__file__))  # /usr/bin/X is a symlink to the program
sys.path[:0] = [HERE, os.path.join(HERE, 'common')]
import jws  # noqa: E402
import k8s_yaml  # noqa: E402
import kinds  # noqa: E402
import version  # noqa: E402
import controllers  # noqa: E402
import objects  # noqa: E402
import views  # noqa: E402

STATE_DIR = os.environ.get('K8SPLAY_STANDIN_STATE_DIR', '/var/lib/k8splay-standin')
STATE_FILE = os.path.join(STATE_DIR, 'cluster.json')
MANIFEST = os.environ.get('K8SPLAY_STANDIN_APISERVER_MANIFEST', '/etc/kubernetes/manifests/kube-apiserver.yaml')
EXTRA_PORTS = (10251, 10252, 2379, 2380)
# All addresses, as the real components bind; a test on the controller narrows it to loopback.
BIND = os.environ.get('K8SPLAY_STANDIN_BIND', '')

LOCK = threading.RLock()
STATE = None


def load_state():
    try:
        with open(STATE_FILE) as f:
            return json.load(f)
    except (OSError, ValueError):
        return objects.new_state()


def save_state():
    os.makedirs(STATE_DIR, exist_ok=True)
    tmp = STATE_FILE + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(STATE, f)
    os.replace(tmp, STATE_FILE)


def pods_signature():
    return sorted((k, p.get('node'), p.get('podIP')) for k, p in STATE['pods'].items())


def manifest_flags(path):
    """--flag=value pairs of the kube-apiserver container's command."""
    with open(path) as f:
        pod = k8s_yaml.load(f.read())
    flags = {}
    for c in (pod.get('spec') or {}).get('containers') or []:
        for arg in (c.get('command') or []) + (c.get('args') or []):
            if isinstance(arg, str) and arg.startswith('--') and '=' in arg:
                k, v = arg[2:].split('=', 1)
                flags[k] = v
    return flags


def cluster_info(state, now):
    cfg = state.get('config') or {}
    kc = k8s_yaml.dump({'apiVersion': 'v1', 'clusters': [{'cluster': {'certificate-authority-data': cfg.get('caData', ''),
                                                                       'server': 'https://%s:%s' % (cfg.get('advertiseAddress'), cfg.get('bindPort'))}, 'name': ''}],
                        'contexts': [], 'current-context': '', 'kind': 'Config', 'preferences': {}, 'users': []})
    data = {'kubeconfig': kc}
    for tid, t in objects.valid_tokens(state, now).items():
        if 'signing' in (t.get('usages') or ['signing']):
            data['jws-kubeconfig-' + tid] = jws.detached(kc, tid, t['secret'])
    return {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'cluster-info', 'namespace': 'kube-public'}, 'data': data}


def status_body(err):
    return {'kind': 'Status', 'apiVersion': 'v1', 'status': 'Failure', 'message': err.message, 'reason': err.reason, 'code': err.code}


class Handler(BaseHTTPRequestHandler):
    server_version = 'k8splay-standin-apiserver'
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):  # quiet: systemd's journal gets only errors
        pass

    def _send(self, code, body):
        raw = (json.dumps(body) if not isinstance(body, str) else body).encode()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json' if not isinstance(body, str) else 'text/plain')
        self.send_header('Content-Length', str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return json.loads(self.rfile.read(n).decode()) if n else None

    def do_GET(self):
        self._dispatch('GET')

    def do_POST(self):
        self._dispatch('POST')

    def do_DELETE(self):
        self._dispatch('DELETE')

    def _dispatch(self, method):
        url = urlparse(self.path)
        parts = [p for p in url.path.split('/') if p]
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        now = time.time()
        try:
            body = self._body() if method == 'POST' else None
            with LOCK:
                before = pods_signature()
                code, out, dirty = route(method, parts, q, body, now)
                # Reads run the controllers too: keep the pods they made (names survive a restart).
                if dirty or pods_signature() != before:
                    save_state()
            self._send(code, out)
        except objects.ApiError as e:
            self._send(e.code, status_body(e))
        except Exception as e:  # a stand-in bug: answer 500 with the reason rather than hang
            self._send(500, {'kind': 'Status', 'status': 'Failure', 'reason': 'InternalError', 'code': 500, 'message': 'k8splay stand-in: %r' % e})


def route(method, parts, q, body, now):
    """(HTTP code, body, state changed?) of one request."""
    global STATE
    s = STATE
    if parts == ['healthz']:
        return 200, 'ok', False
    if parts == ['version']:
        return 200, version.info_dict(version.SERVER_BUILD), False
    if parts == ['api', 'v1', 'namespaces', 'kube-public', 'configmaps', 'cluster-info']:
        if not s.get('config'):
            raise objects.ApiError(404, 'NotFound', 'configmaps "cluster-info" not found')
        return 200, cluster_info(s, now), True
    if not parts or parts[0] != 'k8splay':
        raise objects.ApiError(404, 'NotFound', 'the server could not find the requested resource')
    p = parts[1:]
    if p == ['bootstrap'] and method == 'POST':
        objects.bootstrap(s, body, now)
        return 200, {'ok': True}, True
    if p == ['config']:
        return 200, s.get('config'), False
    if p == ['tokens'] and method == 'GET':
        return 200, objects.valid_tokens(s, now), True
    if p == ['tokens'] and method == 'POST':
        objects.add_token(s, body['token'], body.get('ttl'), body.get('description', ''), body.get('usages'), body.get('groups'), now)
        return 201, {'ok': True}, True
    if len(p) == 2 and p[0] == 'tokens' and method == 'DELETE':
        if p[1] not in s['tokens']:
            raise objects.ApiError(404, 'NotFound', 'secrets "bootstrap-token-%s" not found' % p[1])
        del s['tokens'][p[1]]
        return 200, {'ok': True}, True
    if p == ['heartbeat'] and method == 'POST':
        known = body['name'] in s['nodes']
        out = views.heartbeat(s, body, now)
        return 200, out, not known or bool(body.get('changed'))
    if len(p) == 3 and p[0] == 'nodes' and p[2] == 'mark-master' and method == 'POST':
        controllers.mark_master(s, p[1])
        return 200, {'ok': True}, True
    if p == ['nodeports']:
        return 200, views.node_ports(s, now), False
    if p == ['objects'] and method == 'GET':
        ns = q.get('namespace') or None
        return 200, {'items': views.list_objects(s, q['kind'], ns, now)}, False
    if len(p) == 4 and p[0] == 'objects':
        kind, ns, name = p[1], (None if p[2] == '-' else p[2]), p[3]
        if method == 'GET':
            o = views.get_object(s, kind, ns, name, now)
            if o is None:
                raise objects.ApiError(404, 'NotFound', '%s "%s" not found' % (kinds.resource_dot_group(kind, q.get('apiVersion') or kinds.default_api_version(kind)), name))
            return 200, o, False
        if method == 'DELETE':
            objects.delete(s, kind, ns, name, q.get('apiVersion') or kinds.default_api_version(kind))
            return 200, {'ok': True}, True
    if p == ['apply'] and method == 'POST':
        action, warning = objects.apply(s, body, now)
        return 200, {'action': action, 'warning': warning}, action != 'unchanged'
    if p == ['create'] and method == 'POST':
        return 201, objects.create(s, body, now), True
    if p == ['preview'] and method == 'POST':
        live, merged = objects.preview(s, body, now)
        return 200, {'live': live, 'merged': merged}, False
    raise objects.ApiError(404, 'NotFound', 'the server could not find the requested resource')


def hold_port(port):
    """Listens on :port and answers nothing useful: it only has to be in use."""
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((BIND, port))
        sock.listen(16)
    except OSError as e:
        print('k8splay stand-in apiserver: cannot hold port %d: %s' % (port, e), file=sys.stderr)
        return

    def loop():
        while True:
            try:
                c, _ = sock.accept()
                c.close()
            except OSError:
                return
    threading.Thread(target=loop, daemon=True).start()


def main():
    global STATE
    if '--version' in sys.argv:
        print('Kubernetes %s (%s: kube-apiserver)' % (version.GIT_VERSION, version.STANDIN))
        return 0
    if not os.path.exists(MANIFEST):
        print('k8splay stand-in apiserver: %s does not exist (kubeadm init writes it)' % MANIFEST, file=sys.stderr)
        return 1
    flags = manifest_flags(MANIFEST)
    port = int(flags.get('secure-port', '6443'))
    STATE = load_state()
    if not os.environ.get('K8SPLAY_STANDIN_NO_EXTRA_PORTS'):
        for extra in EXTRA_PORTS:
            hold_port(extra)
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128
    srv = ThreadingHTTPServer((BIND, port), Handler)
    print('k8splay stand-in apiserver listening on :%d (advertised %s, plain HTTP)' % (port, flags.get('advertise-address')), flush=True)
    srv.serve_forever()


if __name__ == '__main__':
    sys.exit(main())
