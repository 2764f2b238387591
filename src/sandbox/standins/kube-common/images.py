"""Image references and the docker stand-in's image store (see standins/CONTRACT.md)."""
import json
import os

IMAGES_JSON = '/var/lib/docker/k8splay-standin/images.json'


def normalize(ref):
    """The familiar form docker prints: 'nginx:latest', 'quay.io/coreos/flannel:v0.11.0-amd64'."""
    r = ref.strip()
    if '@' in r:
        return r
    last = r.rsplit('/', 1)[-1]
    if ':' not in last:
        r += ':latest'
    for prefix in ('docker.io/library/', 'index.docker.io/library/', 'docker.io/', 'index.docker.io/'):
        if r.startswith(prefix):
            r = r[len(prefix):]
            break
    return r


def local_images(path=IMAGES_JSON):
    """{normalized repo:tag: {'id':..., 'size':...}} of the images the docker stand-in holds."""
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    out = {}
    for image_id, meta in (data.get('images') or {}).items():
        for tag in meta.get('RepoTags') or []:
            out[normalize(tag)] = {'id': image_id, 'size': int(meta.get('Size') or 0)}
    return out


def has_image(ref, images=None):
    images = local_images() if images is None else images
    return normalize(ref) in images


def docker_available():
    return any(os.access(os.path.join(d, 'docker'), os.X_OK) for d in os.environ.get('PATH', '/usr/bin:/bin').split(':'))
