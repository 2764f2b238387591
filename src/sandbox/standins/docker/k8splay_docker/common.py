"""Paths, versions and the failure type shared by the docker stand-in's modules.

K8SPLAY_STANDIN_ROOT (unset on sandbox hosts) prefixes every path, for trying the stand-in in a
temporary directory on the controller.
"""
import os
import socket


ROOT = os.environ.get('K8SPLAY_STANDIN_ROOT', '')
SOCKET = ROOT + '/var/run/docker.sock'
DAEMON_CONFIG = ROOT + '/var/run/docker/k8splay-standin-config.json'
STORE_DIR = ROOT + '/var/lib/docker/k8splay-standin'
STORE = STORE_DIR + '/images.json'
REGISTRY_URL_FILE = ROOT + '/etc/k8splay-standin/registry.url'


VERSION = '18.06.1-ce'
GIT_COMMIT = 'e68fc7a'
API_VERSION = '1.38'
NO_DAEMON = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'
STANDIN_NOTE = 'k8splay sandbox stand-in'


class Fail(Exception):
    """Ends the command: message on stderr, exit code."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def daemon_running():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(SOCKET)
        return True
    except OSError:
        return False
    finally:
        s.close()


def need_daemon():
    if not daemon_running():
        raise Fail(NO_DAEMON)
