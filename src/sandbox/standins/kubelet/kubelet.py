#!/usr/bin/python3
"""k8splay sandbox stand-in for the kubelet v1.13.3 (kubelet.service's ExecStart).

Before `kubeadm init`/`join` wrote /var/lib/kubelet/config.yaml it fails the way 1.13 does (exit
255; systemd restarts it every 10 s, as with the real unit). Afterwards it registers the node with
the API server named in /etc/kubernetes/kubelet.conf and heartbeats every few seconds with the
node's name (the host name), version and the docker stand-in's image list; it pulls the images
of the pods the control plane places on this node (`docker pull`, with back-off), and, like
kube-proxy, opens every NodePort whose Service has a Running endpoint, answering HTTP as the
pod's image would (the nginx welcome page for nginx). Sandbox hosts only.
"""
import json
import os
import platform
import socket
import subprocess
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True  # nothing outside the RPM's files on hosts
HERE = os.path.dirname(os.path.realpath(__file__))  # /usr/bin/X is a symlink to the program
sys.path[:0] = [HERE, os.path.join(HERE, 'common')]
import apiclient  # noqa: E402
import images as imagelib  # noqa: E402
import kubeconfig  # noqa: E402
import version  # noqa: E402

HEARTBEAT = float(os.environ.get('K8SPLAY_STANDIN_HEARTBEAT', '3'))
PULL_BACKOFF = (10, 20, 40, 60)

NGINX_PAGE = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""


def klog(level, where, msg):
    t = time.time()
    sys.stderr.write('%s%s%s %8d %s] %s\n' % (level, time.strftime('%m%d %H:%M:%S', time.localtime(t)), ('%.6f' % (t % 1))[1:], os.getpid(), where, msg))
    sys.stderr.flush()


def flags(argv):
    out = {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith('--'):
            k, eq, v = a[2:].partition('=')
            if not eq and i + 1 < len(argv) and not argv[i + 1].startswith('--') and k in ('config', 'kubeconfig', 'bootstrap-kubeconfig', 'hostname-override', 'node-ip'):
                i += 1
                v = argv[i]
            out[k] = v if eq or v else 'true'
        i += 1
    return out


def os_image():
    try:
        for line in open('/etc/os-release'):
            if line.startswith('PRETTY_NAME='):
                return line.split('=', 1)[1].strip().strip('"')
    except OSError:
        pass
    return 'Linux'


class Pulls:
    """Image pulls in the background, with back-off after failures (ErrImagePull / ImagePullBackOff)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running = set()
        self.errors = {}    # normalized ref -> {'message', 'since'}
        self.next_try = {}  # normalized ref -> time
        self.failures = {}

    def want(self, ref):
        key = imagelib.normalize(ref)
        with self.lock:
            if key in self.running or time.time() < self.next_try.get(key, 0):
                return
            self.running.add(key)
        threading.Thread(target=self._pull, args=(ref, key), daemon=True).start()

    def _pull(self, ref, key):
        try:
            p = subprocess.run(['docker', 'pull', ref], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
            code, output = p.returncode, p.stdout.decode(errors='replace').strip()
        except (OSError, subprocess.TimeoutExpired) as e:
            code, output = 1, str(e)
        with self.lock:
            self.running.discard(key)
            if code == 0:
                self.errors.pop(key, None)
                self.failures.pop(key, None)
                self.next_try.pop(key, None)
            else:
                n = self.failures.get(key, 0)
                self.failures[key] = n + 1
                self.next_try[key] = time.time() + PULL_BACKOFF[min(n, len(PULL_BACKOFF) - 1)]
                prev = self.errors.get(key)
                self.errors[key] = {'message': output.splitlines()[-1] if output else 'exit status %d' % code,
                                    'since': prev['since'] if prev else time.time()}
                klog('E', 'remote_image.go:113', 'PullImage "%s" from image service failed: rpc error: code = Unknown desc = %s' % (ref, self.errors[key]['message']))

    def report(self):
        with self.lock:
            return dict(self.errors)


class NodePorts:
    """Listening sockets for NodePort services (what kube-proxy's rules do on a real node)."""

    def __init__(self):
        self.servers = {}

    def sync(self, wanted):
        by_port = {w['port']: w for w in wanted}
        for port in [p for p in self.servers if p not in by_port]:
            srv = self.servers.pop(port)
            srv.shutdown()
            srv.server_close()
        for port, w in by_port.items():
            if port in self.servers:
                self.servers[port].info = w
                continue
            try:
                srv = ThreadingHTTPServer(('', port), _handler())
            except OSError as e:
                klog('E', 'proxier.go:1305', "can't open \"nodePort for %s\" (:%d/tcp), skipping this nodePort: listen tcp :%d: bind: %s" % (w['service'], port, port, e.strerror))
                continue
            srv.info = w
            srv.daemon_threads = True
            threading.Thread(target=srv.serve_forever, daemon=True).start()
            self.servers[port] = srv


def _handler():
    class H(BaseHTTPRequestHandler):
        server_version = 'nginx/1.15.8'
        sys_version = ''

        def log_message(self, *a):
            pass

        def do_GET(self):
            info = getattr(self.server, 'info', {})
            if any(i.split('/')[-1].startswith('nginx') for i in info.get('images', [])):
                body = NGINX_PAGE.encode()
            else:
                body = ('k8splay sandbox stand-in: service %s, pods %s (images %s)\n' % (info.get('service'), ', '.join(info.get('pods', [])), ', '.join(info.get('images', [])))).encode()
            self.send_response(200)
            self.send_header('Content-Type', 'text/html')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            if self.command != 'HEAD':
                self.wfile.write(body)

        do_HEAD = do_GET
    return H


def hold(port, addr=''):
    try:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(8)
    except OSError as e:
        klog('E', 'server.go:163', 'failed to listen on :%d: %s' % (port, e))
        return

    def loop():
        while True:
            try:
                c, _ = s.accept()
                c.close()
            except OSError:
                return
    threading.Thread(target=loop, daemon=True).start()


def local_address(server):
    host, port = kubeconfig.host_port(server).rsplit(':', 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((host, int(port)))
        return s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()


def main(argv):
    if '--version' in argv or 'version' in argv[:1]:
        print('Kubernetes %s' % version.GIT_VERSION)
        return 0
    if '--help' in argv or '-h' in argv:
        print('%s for the kubelet %s: registers this node and reports its images.' % (version.STANDIN, version.GIT_VERSION))
        return 0
    f = flags(argv)
    config = f.get('config')
    if config and not os.path.exists(config):
        klog('F', 'server.go:189', 'failed to load Kubelet config file %s, error failed to read kubelet config file "%s", error: open %s: no such file or directory' % (config, config, config))
        return 255
    kc = f.get('kubeconfig')
    if not config or not kc:
        # Standalone mode: a real kubelet runs static pods only; there is nothing to register.
        while True:
            time.sleep(3600)
    if not os.path.exists(kc):
        boot = f.get('bootstrap-kubeconfig')
        if not boot or not os.path.exists(boot):
            klog('F', 'server.go:262', 'failed to run Kubelet: unable to load bootstrap kubeconfig: stat %s: no such file or directory' % (boot or kc))
            return 255
    server, _, _ = kubeconfig.current(kubeconfig.load(kc))
    name = (f.get('hostname-override') or socket.gethostname()).lower()
    hold(10250)
    hold(10248, '127.0.0.1')
    pulls, ports = Pulls(), NodePorts()
    klog('I', 'kubelet.go:1821', 'k8splay stand-in kubelet %s for node "%s" using API server %s' % (version.GIT_VERSION, name, server))
    kernel = platform.release()
    last_images = None
    while True:
        imgs = imagelib.local_images()
        body = {'name': name, 'address': f.get('node-ip') or local_address(server), 'kubeletVersion': version.GIT_VERSION,
                'osImage': os_image(), 'kernelVersion': kernel, 'containerRuntimeVersion': 'docker://18.6.1',
                'images': sorted(imgs), 'imageSizes': {k: v['size'] for k, v in imgs.items()}, 'pullErrors': pulls.report(),
                'changed': sorted(imgs) != last_images}
        try:
            code, resp = apiclient.request(server, 'POST', '/k8splay/heartbeat', body, timeout=5)
            if code == 200:
                last_images = sorted(imgs)
                for pod in resp.get('pods') or []:
                    for ref in pod['images']:
                        if ref and imagelib.normalize(ref) not in imgs:
                            pulls.want(ref)
                ports.sync(resp.get('nodePorts') or [])
            else:
                klog('E', 'kubelet_node_status.go:380', 'Error updating node status, will retry: %s' % json.dumps(resp))
        except apiclient.Unreachable as e:
            klog('E', 'kubelet_node_status.go:380', 'Error updating node status, will retry: error getting node "%s": %s' % (name, e.go_message(server + '/api/v1/nodes/' + name)))
        time.sleep(HEARTBEAT)


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends us quietly, as Go programs end
    sys.exit(main(sys.argv[1:]))
