"""HTTP client of the control-plane stand-in.

Kubeconfigs say `server: https://ADDR:6443` as kubeadm writes them; the stand-in API server
speaks plain HTTP on that address and port (no TLS, no authentication: it only ever runs
inside a sandbox host), so this client swaps the scheme.
"""
import errno
import http.client
import json
import socket

import kubeconfig


class Unreachable(Exception):
    """The API server did not answer: `reason` is 'refused', 'timeout' or 'unreachable'."""

    def __init__(self, hostport, reason, detail=''):
        super().__init__('%s: %s %s' % (hostport, reason, detail))
        self.hostport = hostport
        self.reason = reason
        self.detail = detail

    def kubectl_message(self):
        """What kubectl 1.13 prints for this failure."""
        if self.reason == 'refused':
            return 'The connection to the server %s was refused - did you specify the right host or port?' % self.hostport
        if self.reason == 'timeout':
            return 'Unable to connect to the server: dial tcp %s: i/o timeout' % self.hostport
        return 'Unable to connect to the server: dial tcp %s: %s' % (self.hostport, self.detail or 'connect: no route to host')

    def go_message(self, url):
        """Go's net/http error text for this failure (kubeadm's discovery messages)."""
        what = {'refused': 'connect: connection refused', 'timeout': 'i/o timeout'}.get(self.reason, self.detail or 'connect: no route to host')
        return 'Get %s: dial tcp %s: %s' % (url, self.hostport, what)


def request(server, method, path, body=None, timeout=10.0):
    """(status, decoded JSON or text) of one request to the stand-in API server at `server`."""
    hp = kubeconfig.host_port(server)
    host, port = hp.rsplit(':', 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    data = None if body is None else json.dumps(body).encode()
    try:
        conn.request(method, path, body=data, headers={'Content-Type': 'application/json', 'User-Agent': 'k8splay-standin'})
        resp = conn.getresponse()
        raw = resp.read().decode()
    except ConnectionRefusedError:
        raise Unreachable(hp, 'refused') from None
    except (socket.timeout, TimeoutError):
        raise Unreachable(hp, 'timeout') from None
    except OSError as e:
        if e.errno == errno.ECONNREFUSED:
            raise Unreachable(hp, 'refused') from None
        detail = {errno.EHOSTUNREACH: 'connect: no route to host', errno.ENETUNREACH: 'connect: network is unreachable'}.get(e.errno, str(e))
        raise Unreachable(hp, 'unreachable', detail) from None
    finally:
        conn.close()
    try:
        return resp.status, json.loads(raw) if raw else None
    except ValueError:
        return resp.status, raw
