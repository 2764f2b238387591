"""The image store: images.json (see src/sandbox/standins/CONTRACT.md)."""
import fcntl
import json
import os
import re

from .common import STORE, STORE_DIR, Fail
from .refs import familiar_digest, familiar_tag, parse_ref


class Store:
    """images.json under an exclusive lock for the whole command (pull, tag, rmi write it)."""

    def __enter__(self):
        os.makedirs(STORE_DIR, exist_ok=True)
        self.lock = open(STORE_DIR + '/images.lock', 'w')
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        try:
            with open(STORE) as f:
                self.images = json.load(f).get('images', {})
        except FileNotFoundError:
            self.images = {}
        return self

    def save(self):
        tmp = STORE + '.tmp'
        with open(tmp, 'w') as f:
            json.dump({'images': self.images}, f, indent=2, sort_keys=True)
            f.write('\n')
        os.replace(tmp, STORE)

    def __exit__(self, *exc):
        self.lock.close()

    def untag(self, familiar_tag):
        for img in self.images.values():
            if familiar_tag in img.get('RepoTags', []):
                img['RepoTags'].remove(familiar_tag)

    def find(self, name):
        """An image id for a name as docker resolves it: a reference first, else an id (prefix)."""
        return self.lookup(name)[0]

    def lookup(self, name):
        """(image id, 'ref' | 'id'), or (None, None)."""
        hexpart = name[7:] if name.startswith('sha256:') else name
        if not name.startswith('sha256:'):
            try:
                ref = parse_ref(name)
            except Fail:
                ref = None
            if ref:
                want = familiar_digest(ref) if ref['digest'] else familiar_tag(ref)
                for iid, img in self.images.items():
                    if want in img.get('RepoDigests' if ref['digest'] else 'RepoTags', []):
                        return iid, 'ref'
        if re.fullmatch(r'[0-9a-f]+', hexpart):
            hits = [i for i in self.images if i[7:].startswith(hexpart)]
            if len(hits) == 1:
                return hits[0], 'id'
        return None, None
