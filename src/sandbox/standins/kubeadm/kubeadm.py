#!/usr/bin/python3
"""k8splay sandbox stand-in for kubeadm v1.13.3.

Runs the real 1.13 preflight checks on the host and answers with kubeadm's 1.13 wording and exit
codes; `init` writes real files (a real X.509 CA, kubeconfigs, static pod manifests, kubelet
configuration) and starts the control-plane stand-in (k8splay-standin-apiserver.service, plain
HTTP on the advertise address and bind port); `join` discovers the cluster through it with
bootstrap-token JWS signatures and CA public key pins, as the real discovery does. Only ever
installed on k8splay sandbox hosts.
"""
import os
import signal
import sys

sys.dont_write_bytecode = True  # nothing outside the RPM's files on hosts
HERE = os.path.dirname(os.path.realpath(__file__))  # /usr/bin/X is a symlink to the program
sys.path[:0] = [HERE, os.path.join(HERE, 'common')]
import cli  # noqa: E402
import config_cmd  # noqa: E402
import init_cmd  # noqa: E402
import join_cmd  # noqa: E402
import reset_cmd  # noqa: E402
import token_cmd  # noqa: E402
from shared import out  # noqa: E402
import version  # noqa: E402

HELP = """k8splay sandbox stand-in for kubeadm v1.13.3 (answers like kubeadm 1.13; sandbox hosts only)

Usage:
  kubeadm [command]

Available Commands:
  config      Manage configuration for a kubeadm cluster persisted in a ConfigMap in the cluster.
  help        Help about any command
  init        Run this command in order to set up the Kubernetes master.
  join        Run this on any machine you wish to join an existing cluster
  reset       Run this to revert any changes made to this host by 'kubeadm init' or 'kubeadm join'.
  token       Manage bootstrap tokens.
  version     Print the version of kubeadm
"""


def main(argv):
    if not argv or argv[0] in ('-h', '--help', 'help'):
        out(HELP)
        return 0
    cmd, rest = argv[0], argv[1:]
    if cmd == 'version':
        o = ''
        if '-o' in rest or any(a.startswith('--output') for a in rest):
            o = rest[rest.index('-o') + 1] if '-o' in rest else rest[0].split('=', 1)[1]
        if o == 'short':
            out(version.GIT_VERSION)
        else:
            out('kubeadm version: &%s' % version.info(version.KUBEADM_BUILD))
        return 0
    handlers = {'init': init_cmd.cmd_init, 'join': join_cmd.cmd_join, 'token': token_cmd.cmd_token, 'reset': reset_cmd.cmd_reset,
                'config': config_cmd.cmd_config}
    if cmd not in handlers:
        cli.die('Error: unknown command "%s" for "kubeadm"\nRun \'kubeadm --help\' for usage.' % cmd)
    return handlers[cmd](rest)


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends us quietly, as Go programs end
    sys.exit(main(sys.argv[1:]) or 0)
