"""docker pull, images, image inspect / inspect, tag and rmi."""
import fnmatch
import json
import sys
from datetime import datetime, timezone

from .common import STANDIN_NOTE, Fail, need_daemon
from .flags import arg_count, last, parse_flags
from .output import human_duration, human_size, parse_time, write_rows
from .gotemplate import render
from .refs import familiar_digest, familiar_name, familiar_tag, parse_ref, repo_of
from .registry import fetch_manifest
from .store import Store


def cmd_pull(argv):
    opts, args = parse_flags('pull', argv)
    arg_count('pull', args, 1, 1)
    if opts.get('all-tags'):
        raise Fail('docker pull --all-tags is not supported by the %s' % STANDIN_NOTE)
    ref = parse_ref(args[0])
    if not ref['tag'] and not ref['digest']:
        print('Using default tag: latest', flush=True)
        ref['tag'] = 'latest'
    need_daemon()
    manifest = fetch_manifest(ref)
    iid, layers = manifest['id'], manifest.get('layers', [])
    name = familiar_name(ref)
    print('%s: Pulling from %s' % (ref['tag'] or ref['digest'], ref['path']), flush=True)
    with Store() as store:
        tagged = familiar_tag(ref) if ref['tag'] else None
        digest_ref = name + '@' + manifest['digest']
        img = store.images.get(iid)
        if img and (tagged in img.get('RepoTags', []) if tagged else digest_ref in img.get('RepoDigests', [])):
            print('Digest: ' + manifest['digest'])
            print('Status: Image is up to date for ' + (tagged or digest_ref))
            return 0
        have = {l for i in store.images.values() for l in i.get('Layers', [])}
        new = [l for l in layers if l not in have]
        for l in layers:
            print('%s: %s' % (l[7:19], 'Already exists' if l in have else 'Pulling fs layer'))
        for l in new:
            print('%s: Verifying Checksum\n%s: Download complete' % (l[7:19], l[7:19]))
        for l in new:
            print('%s: Pull complete' % l[7:19])
        if tagged:
            store.untag(tagged)  # a tag names one image: it moves here from an older one
        img = store.images.setdefault(iid, {'RepoTags': [], 'RepoDigests': []})
        img.update({'Created': manifest['created'], 'Size': manifest['size'], 'Layers': layers})
        if tagged:
            img['RepoTags'] = sorted(set(img['RepoTags']) | {tagged})
            img['LastTagTime'] = now_iso()
        img['RepoDigests'] = sorted(set(img.get('RepoDigests', [])) | {digest_ref})
        store.save()
    print('Digest: ' + manifest['digest'])
    print('Status: Downloaded newer image for ' + (tagged or digest_ref))
    return 0


def now_iso():
    return datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def image_rows(images, opts):
    """One row per repository:tag (a dangling image: one <none> row), newest image first."""
    rows = []
    for iid, img in sorted(images.items(), key=lambda kv: kv[1].get('Created', ''), reverse=True):
        created = parse_time(img['Created'])
        base = {
            'ID': iid if opts.get('no-trunc') else iid[7:19],
            'CreatedSince': human_duration((datetime.now(timezone.utc) - created).total_seconds()) + ' ago',
            'CreatedAt': created.strftime('%Y-%m-%d %H:%M:%S +0000 UTC'),
            'Size': human_size(img.get('Size', 0)),
            'Digest': '<none>',
        }
        tags = img.get('RepoTags', [])
        repos_with_tags = {repo_of(t) for t in tags}
        digest_only = sorted({repo_of(d) for d in img.get('RepoDigests', [])} - repos_with_tags)
        if not tags and not digest_only:
            rows.append(dict(base, Repository='<none>', Tag='<none>', _image=img, _id=iid))
        for t in sorted(tags):
            rows.append(dict(base, Repository=repo_of(t), Tag=t[len(repo_of(t)) + 1:], _image=img, _id=iid))
        for repo in digest_only:
            rows.append(dict(base, Repository=repo, Tag='<none>', _image=img, _id=iid))
    return rows


IMAGE_HEADERS = {'ID': 'IMAGE ID', 'Repository': 'REPOSITORY', 'Tag': 'TAG', 'CreatedSince': 'CREATED',
                 'CreatedAt': 'CREATED AT', 'Size': 'SIZE', 'Digest': 'DIGEST'}


def cmd_images(argv):
    opts, args = parse_flags('images', argv)
    arg_count('images', args, 0, 1)
    need_daemon()
    if opts.get('digests'):
        raise Fail('docker images --digests is not supported by the %s' % STANDIN_NOTE)
    with Store() as store:
        rows = image_rows(store.images, opts)
    for f in opts.get('filter', []):
        key, _, val = f.partition('=')
        if key == 'dangling' and val in ('true', 'false'):
            rows = [r for r in rows if (r['Repository'] == '<none>') == (val == 'true')]
        elif key == 'reference':
            rows = [r for r in rows if fnmatch.fnmatchcase(r['Repository'] + ':' + r['Tag'], val)
                    or fnmatch.fnmatchcase(r['Repository'], val)]
        else:
            raise Fail("Error response from daemon: Invalid filter '%s'" % key)
    if args:
        want = args[0]
        colon = want.rfind(':')
        repo, tag = (want[:colon], want[colon + 1:]) if colon > want.rfind('/') else (want, None)
        repo = familiar_name(parse_ref(repo)) if '*' not in repo else repo
        rows = [r for r in rows if fnmatch.fnmatchcase(r['Repository'], repo) and (tag is None or r['Tag'] == tag)]
    if opts.get('quiet'):
        fmt = '{{.ID}}'
    else:
        fmt = last(opts, 'format', 'table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}')
    write_rows(rows, fmt, IMAGE_HEADERS)
    return 0


def inspect_json(iid, img):
    """The fields of docker's ImageInspect, in its order."""
    return {
        'Id': iid,
        'RepoTags': img.get('RepoTags', []),
        'RepoDigests': img.get('RepoDigests', []),
        'Parent': '',
        'Comment': '',
        'Created': img['Created'],
        'Container': '',
        'DockerVersion': '17.06.2-ce',
        'Author': '',
        'Architecture': 'amd64',
        'Os': 'linux',
        'Size': img.get('Size', 0),
        'VirtualSize': img.get('Size', 0),
        'GraphDriver': {'Data': None, 'Name': 'overlay2'},
        'RootFS': {'Type': 'layers', 'Layers': img.get('Layers', [])},
        'Metadata': {'LastTagTime': img.get('LastTagTime', '0001-01-01T00:00:00Z')},
    }


def inspect(names, fmt, not_found):
    need_daemon()
    with Store() as store:
        found, errors = [], []
        for n in names:
            iid = store.find(n)
            if iid:
                found.append(inspect_json(iid, store.images[iid]))
            else:
                errors.append('Error: No such %s: %s' % (not_found, n))
    if fmt is None:
        print(json.dumps(found, indent=4, ensure_ascii=False))
    else:
        text = ''.join(render(fmt, x) + '\n' for x in found)
        sys.stdout.write(text or '\n')  # docker's template inspector prints an empty line for nothing
    if errors:
        raise Fail('\n'.join(errors))
    return 0


def cmd_image_inspect(argv):
    opts, args = parse_flags('image inspect', argv)
    arg_count('image inspect', args, 1)
    return inspect(args, last(opts, 'format'), 'image')


def cmd_inspect(argv):
    opts, args = parse_flags('inspect', argv)
    arg_count('inspect', args, 1)
    kind = last(opts, 'type', '')
    if kind not in ('', 'image'):
        if kind in ('container', 'network', 'node', 'plugin', 'secret', 'service', 'task', 'volume'):
            need_daemon()
            raise Fail('\n'.join('Error: No such %s: %s' % (kind, n) for n in args))
        raise Fail('"%s" is not a valid value for --type' % kind)
    # Without --type docker tries every kind of object; only images exist here.
    return inspect(args, last(opts, 'format'), 'image' if kind else 'object')


def cmd_tag(argv):
    opts, args = parse_flags('tag', argv)
    arg_count('tag', args, 2, 2)
    target = parse_ref(args[1])
    if target['digest']:
        raise Fail('Error response from daemon: refusing to create a tag with a digest reference')
    need_daemon()
    with Store() as store:
        iid = store.find(args[0])
        if not iid:
            try:
                shown = familiar_tag(parse_ref(args[0]))
            except Fail:
                shown = args[0]
            raise Fail('Error response from daemon: No such image: ' + shown)
        t = familiar_tag(target)
        store.untag(t)
        img = store.images[iid]
        img['RepoTags'] = sorted(set(img.get('RepoTags', [])) | {t})
        img['LastTagTime'] = now_iso()
        store.save()
    return 0


def cmd_rmi(argv):
    opts, args = parse_flags('rmi', argv)
    arg_count('rmi', args, 1)
    need_daemon()
    errors = []
    with Store() as store:
        for name in args:
            try:
                for line in remove_image(store, name, opts.get('force', False)):
                    print(line)
            except Fail as e:
                errors.append(str(e))
        store.save()
    if errors:
        raise Fail('\n'.join(errors))
    return 0


def remove_image(store, name, force):
    """docker's ImageDelete: untag a named reference; delete the image once nothing names it."""
    iid, how = store.lookup(name)
    if not iid:
        raise Fail('Error: No such image: ' + name)
    img = store.images[iid]
    tags, digests = img.setdefault('RepoTags', []), img.setdefault('RepoDigests', [])
    out = []
    if how == 'ref':
        ref = parse_ref(name)
        gone = familiar_digest(ref) if ref['digest'] else familiar_tag(ref)
        (digests if ref['digest'] else tags).remove(gone)
        out.append('Untagged: ' + gone)
        repo = repo_of(gone)
        if not any(repo_of(t) == repo for t in tags):  # no tag of that repository left: its digests go too
            for d in [d for d in digests if repo_of(d) == repo]:
                digests.remove(d)
                out.append('Untagged: ' + d)
        if tags or digests:
            return out
    else:
        repos = {repo_of(r) for r in tags + digests}
        if not force and (len(tags) > 1 or len(repos) > 1):
            raise Fail('Error response from daemon: conflict: unable to delete %s (must be forced) - image is '
                       'referenced in multiple repositories' % iid[7:19])
        out += ['Untagged: ' + r for r in tags + digests]
    del store.images[iid]
    still_used = {l for i in store.images.values() for l in i.get('Layers', [])}
    out.append('Deleted: ' + iid)
    out += ['Deleted: ' + l for l in reversed(img.get('Layers', [])) if l not in still_used]
    return out
