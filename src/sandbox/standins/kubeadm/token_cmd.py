"""`kubeadm token create|list|delete|generate` against the control-plane stand-in."""
import sys
import time

import apiclient
import cli
import kubeconfig
import kubetime
import tabwriter
import version
from shared import (TOKEN_RE, DEFAULT_GROUPS, out, resolve_version, new_token, join_command)


TOKEN_FLAGS = {
    'kubeconfig': ('str', '/etc/kubernetes/admin.conf'), 'ttl': ('str', '24h0m0s'), 'print-join-command': ('bool', False),
    'description': ('str', ''), 'usages': ('list', []), 'groups': ('list', []), 'config': ('str', ''), 'dry-run': ('bool', False),
    'v': ('str', '0'), 'help': ('bool', False, ['h']),
}


def admin_server(path):
    try:
        doc = kubeconfig.load(path)
    except OSError:
        cli.die('failed to load admin kubeconfig: open %s: no such file or directory' % path)
    server, _, cluster = kubeconfig.current(doc)
    return server, kubeconfig.ca_pem(cluster)


def cmd_token(argv):
    try:
        f, pos = cli.parse(argv, TOKEN_FLAGS)
    except cli.UsageError as e:
        cli.die('Error: %s' % e)
    sub = pos[0] if pos else ''
    if sub not in ('create', 'list', 'delete', 'generate'):
        out('This command manages bootstrap tokens. (%s)\n\nUsage:\n  kubeadm token [command]\n\nAvailable Commands:\n  create      Create bootstrap tokens on the server.\n  delete      Delete bootstrap tokens on the server.\n  generate    Generate and print a bootstrap token, but do not create it on the server.\n  list        List bootstrap tokens on the server.' % version.STANDIN)
        return 0 if not sub else 1
    if sub == 'generate':
        out(new_token())
        return 0
    server, ca = admin_server(f['kubeconfig'])
    try:
        if sub == 'create':
            # 1.13 loads default InitConfiguration values, which asks the internet for a version.
            resolve_version('stable-1')
            token = pos[1] if len(pos) > 1 else new_token()
            if not TOKEN_RE.match(token):
                cli.die('the bootstrap token "%s" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"' % token)
            ttl = kubetime.parse_go_duration(f['ttl'])
            if ttl is None:
                cli.die('invalid argument "%s" for "--ttl" flag: time: invalid duration %s' % (f['ttl'], f['ttl']))
            code, body = apiclient.request(server, 'POST', '/k8splay/tokens', {
                'token': token, 'ttl': ttl, 'description': f['description'], 'usages': f['usages'] or ['signing', 'authentication'],
                'groups': f['groups'] or DEFAULT_GROUPS})
            if code >= 300:
                cli.die('failed to create or update bootstrap token with name bootstrap-token-%s: %s' % (token.split('.')[0], (body or {}).get('message', body)))
            out(join_command(kubeconfig.host_port(server), token, ca) if f['print-join-command'] else token)
            return 0
        if sub == 'list':
            code, toks = apiclient.request(server, 'GET', '/k8splay/tokens')
            rows = [['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS']]
            now = time.time()
            for tid, t in sorted(toks.items(), key=lambda kv: kv[1]['created']):
                exp = t.get('expires')
                rows.append(['%s.%s' % (tid, t['secret']), '<forever>' if exp is None else kubetime.short_human_duration(exp - now),
                             '<never>' if exp is None else kubetime.rfc3339(exp, local=True), ','.join(sorted(t.get('usages') or [])),
                             t.get('description') or '<none>', ','.join(t.get('groups') or [])])
            sys.stdout.write(tabwriter.render(rows, minwidth=10, padding=3))
            return 0
        if sub == 'delete':
            if len(pos) < 2:
                cli.die('missing subcommand; \'token delete\' is missing token of form ["^([a-z0-9]{6})$"]')
            for t in pos[1:]:
                tid = t.split('.')[0]
                code, body = apiclient.request(server, 'DELETE', '/k8splay/tokens/%s' % tid)
                if code >= 300:
                    cli.die('failed to delete bootstrap token with name "bootstrap-token-%s": %s' % (tid, (body or {}).get('message')))
                out('bootstrap token with id "%s" deleted' % tid)
            return 0
    except apiclient.Unreachable as e:
        cli.die('failed to list bootstrap tokens: %s' % e.go_message(server + '/api/v1/namespaces/kube-system/secrets') if sub == 'list'
                else 'failed to create or update bootstrap token: %s' % e.go_message(server + '/api/v1/namespaces/kube-system/secrets'))
    return 0
