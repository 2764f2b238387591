"""`kubeadm config images list|pull`."""

import cli
import host
from init_cmd import config_file_values
from shared import (out, resolve_version, image_list)


def cmd_config(argv):
    try:
        f, pos = cli.parse(argv, {'image-repository': ('str', 'k8s.gcr.io'), 'kubernetes-version': ('str', 'stable-1'), 'config': ('str', ''),
                                  'kubeconfig': ('str', '/etc/kubernetes/admin.conf'), 'v': ('str', '0')})
    except cli.UsageError as e:
        cli.die('Error: %s' % e)
    if pos[:2] == ['images', 'list'] or pos[:2] == ['images', 'pull']:
        if f['config']:
            f.update(config_file_values(f['config']))
        imgs = image_list(f['image-repository'].rstrip('/'), resolve_version(f['kubernetes-version']))
        if pos[1] == 'list':
            for i in imgs:
                out(i)
            return 0
        for i in imgs:
            code, output = host.run(['docker', 'pull', i], timeout=600)
            if code != 0:
                cli.die('failed to pull image "%s": output: %s, error: exit status %d' % (i, output, code))
            out('[config/images] Pulled %s' % i)
        return 0
    cli.die('k8splay sandbox stand-in: `kubeadm config %s` is not implemented' % ' '.join(pos))
