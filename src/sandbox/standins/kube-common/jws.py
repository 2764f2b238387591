"""Detached JWS (HS256) as the bootstrap signer signs the cluster-info ConfigMap with each token."""
import base64
import hashlib
import hmac
import json


def _b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b'=').decode()


def detached(payload, token_id, secret):
    """`header..signature`: the content is left out, as in jws-kubeconfig-<id> entries."""
    header = _b64(json.dumps({'alg': 'HS256', 'kid': token_id}, separators=(',', ':')).encode())
    signing_input = (header + '.' + _b64(payload.encode())).encode()
    sig = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return header + '..' + _b64(sig)


def valid(detached_jws, payload, token_id, secret):
    return hmac.compare_digest(detached_jws, detached(payload, token_id, secret))
