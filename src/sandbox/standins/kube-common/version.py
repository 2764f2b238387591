"""Version strings of the walkthrough's Kubernetes release, as the real 1.13.3 binaries print them."""
GIT_VERSION = 'v1.13.3'
GIT_COMMIT = '721bfa751924da8d1680787490c54b9179b1fed0'
STANDIN = 'k8splay sandbox stand-in'


def info(build_date):
    """version.Info{...} as Go's %#v prints it (kubeadm/kubectl `version`)."""
    return ('version.Info{Major:"1", Minor:"13", GitVersion:"%s", GitCommit:"%s", GitTreeState:"clean", '
            'BuildDate:"%s", GoVersion:"go1.11.5", Compiler:"gc", Platform:"linux/amd64"}' % (GIT_VERSION, GIT_COMMIT, build_date))


def info_dict(build_date):
    return {'major': '1', 'minor': '13', 'gitVersion': GIT_VERSION, 'gitCommit': GIT_COMMIT, 'gitTreeState': 'clean',
            'buildDate': build_date, 'goVersion': 'go1.11.5', 'compiler': 'gc', 'platform': 'linux/amd64'}


# Build dates of the real v1.13.3 binaries (kubeadm, kubectl, kube-apiserver).
KUBEADM_BUILD = '2019-02-01T20:05:53Z'
KUBECTL_BUILD = '2019-02-01T20:08:12Z'
SERVER_BUILD = '2019-02-01T20:00:57Z'


def parse(v):
    """(major, minor, patch) of 'v1.13.3' / '1.13' / 'v1.13.3-beta.0'; None when it is not a version."""
    import re
    m = re.match(r'^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$', str(v).strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
