#!/usr/bin/python3
"""k8splay sandbox stand-in for kubectl v1.13.3.

Talks to the control-plane stand-in named by the kubeconfig (--kubeconfig, $KUBECONFIG,
~/.kube/config; plain HTTP to the https:// address written there) and answers with kubectl
1.13's wording, tables and exit codes for what the walkthrough and the cluster modules use:
version, get, apply, diff, delete, create deployment, expose, wait, rollout status,
cluster-info. Sandbox hosts only.
"""
import os
import signal
import sys

sys.dont_write_bytecode = True  # nothing outside the RPM's files on hosts
HERE = os.path.dirname(os.path.realpath(__file__))  # /usr/bin/X is a symlink to the program
sys.path[:0] = [HERE, os.path.join(HERE, 'common')]
import cli  # noqa: E402
import apply_cmd  # noqa: E402
import create_cmd  # noqa: E402
import get_cmd  # noqa: E402
import wait_cmd  # noqa: E402
from core import GLOBAL, Ctx, die, server_error  # noqa: E402
import version  # noqa: E402


def cmd_version(ctx, args):
    f, _ = cli.parse(args, {'client': ('bool', False, ['c']), 'short': ('bool', False), 'output': ('str', '', ['o'])})
    print(('Client Version: %s' % version.GIT_VERSION) if f['short'] else 'Client Version: %s' % version.info(version.KUBECTL_BUILD))
    if f['client']:
        return 0
    code, body = ctx.call('GET', '/version')
    if code != 200:
        die(server_error(body))
    print(('Server Version: %s' % body['gitVersion']) if f['short'] else 'Server Version: %s' % version.info(body['buildDate']))
    return 0


def cmd_cluster_info(ctx, args):
    code, _ = ctx.call('GET', '/healthz')
    base = ctx.server
    print('\x1b[0;32mKubernetes master\x1b[0m is running at \x1b[0;33m%s\x1b[0m' % base)
    code, svc = ctx.call('GET', '/k8splay/objects/Service/kube-system/kube-dns')
    if code == 200:
        print('\x1b[0;32mKubeDNS\x1b[0m is running at \x1b[0;33m%s/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\x1b[0m' % base)
    print()
    print("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.")
    return 0


HELP = """kubectl controls the Kubernetes cluster manager. (k8splay sandbox stand-in for kubectl v1.13.3; sandbox hosts only)

 Find more information at: https://kubernetes.io/docs/reference/kubectl/overview/

Commands implemented by the stand-in:
  create deployment, expose, get, apply, diff, delete, wait, rollout status, cluster-info, version
"""


def main(argv):
    # Global flags may come anywhere; split them out first.
    spec = dict(GLOBAL)
    gl, rest = {}, []
    i = 0
    glob_names = {n: k for k, s in spec.items() for n in [k] + (s[2] if len(s) > 2 else [])}
    while i < len(argv):
        a = argv[i]
        key = a.lstrip('-').split('=', 1)[0] if a.startswith('-') else None
        if key in glob_names and not (key in ('h', 'help') and rest):
            name = glob_names[key]
            if spec[name][0] == 'bool':
                gl[name] = True
            elif '=' in a:
                gl[name] = a.split('=', 1)[1]
            elif i + 1 < len(argv):
                gl[name] = argv[i + 1]
                i += 1
        elif a.startswith('-n') and len(a) > 2 and not a.startswith('--'):
            gl['namespace'] = a[2:]
        else:
            rest.append(a)
        i += 1
    g = {k: gl.get(k, s[1]) for k, s in spec.items()}
    if g['help'] or not rest or rest[0] in ('help', '--help', '-h'):
        print(HELP)
        return 0
    cmd, args = rest[0], rest[1:]
    if '--help' in args or '-h' in args:
        print('k8splay sandbox stand-in for kubectl %s: %s' % (version.GIT_VERSION, cmd))
        return 0
    if cmd == 'version' and ('--client' in args or '-c' in args or any(a.startswith('--client=t') for a in args)):
        return cmd_version(None, args)
    ctx = Ctx(g)
    handlers = {'version': cmd_version, 'cluster-info': cmd_cluster_info, 'get': get_cmd.cmd_get, 'apply': apply_cmd.cmd_apply,
                'diff': apply_cmd.cmd_diff, 'delete': apply_cmd.cmd_delete, 'create': create_cmd.cmd_create, 'expose': create_cmd.cmd_expose,
                'wait': wait_cmd.cmd_wait, 'rollout': wait_cmd.cmd_rollout}
    if cmd not in handlers:
        die('Error: unknown command "%s" for "kubectl"\nRun \'kubectl --help\' for usage.' % cmd)
    return handlers[cmd](ctx, args)


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends us quietly, as Go programs end
    sys.exit(main(sys.argv[1:]) or 0)
