"""Real RSA keys and X.509 certificates in pure Python (no openssl needed on the host).

kubeadm's CA (CN=kubernetes, 10 years, CA:TRUE) and client certificates signed by it, PEM
encoded; and the public key pin `sha256:<hex>` of a certificate, which is what
`openssl x509 -pubkey -in ca.crt | openssl rsa -pubin -outform der | openssl dgst -sha256` gives.
"""
import base64
import datetime
import hashlib
import secrets

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % q for q in range(2, int(p ** 0.5) + 1))]


def _probable_prime(n, rounds=24):
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        a = secrets.randbelow(n - 3) + 2
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits, e):
    while True:
        c = secrets.randbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if c % e != 1 and _probable_prime(c):
            return c


class RSAKey:
    def __init__(self, bits=2048, e=65537):
        while True:
            p, q = _prime(bits // 2, e), _prime(bits // 2, e)
            if p != q:
                break
        if p < q:
            p, q = q, p
        self.n, self.e, self.p, self.q = p * q, e, p, q
        phi = (p - 1) * (q - 1)
        self.d = pow(e, -1, phi)

    def sign_sha256(self, data):
        digest_info = bytes.fromhex('3031300d060960864801650304020105000420') + hashlib.sha256(data).digest()
        k = (self.n.bit_length() + 7) // 8
        em = b'\x00\x01' + b'\xff' * (k - len(digest_info) - 3) + b'\x00' + digest_info
        # CRT: m^d mod n from the two half-size exponentiations.
        m = int.from_bytes(em, 'big')
        dp, dq, qinv = self.d % (self.p - 1), self.d % (self.q - 1), pow(self.q, -1, self.p)
        m1, m2 = pow(m, dp, self.p), pow(m, dq, self.q)
        s = m2 + self.q * ((qinv * (m1 - m2)) % self.p)
        return s.to_bytes(k, 'big')

    def private_pem(self):
        der = _seq(_int(0), _int(self.n), _int(self.e), _int(self.d), _int(self.p), _int(self.q),
                   _int(self.d % (self.p - 1)), _int(self.d % (self.q - 1)), _int(pow(self.q, -1, self.p)))
        return _pem('RSA PRIVATE KEY', der)

    def spki(self):
        return _seq(_seq(_oid('1.2.840.113549.1.1.1'), b'\x05\x00'), _bitstring(_seq(_int(self.n), _int(self.e))))

    def public_pem(self):
        return _pem('PUBLIC KEY', self.spki())


# ---------------------------------------------------------------- DER

def _len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(b)]) + b


def _tlv(tag, body):
    return bytes([tag]) + _len(len(body)) + body


def _int(v):
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), 'big', signed=False)
    if b[0] & 0x80:
        b = b'\x00' + b
    return _tlv(0x02, b)


def _seq(*items):
    return _tlv(0x30, b''.join(items))


def _set(*items):
    return _tlv(0x31, b''.join(items))


def _oid(dotted):
    parts = [int(x) for x in dotted.split('.')]
    out = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7f]
        p >>= 7
        while p:
            enc.append(0x80 | (p & 0x7f))
            p >>= 7
        out += bytes(reversed(enc))
    return _tlv(0x06, out)


def _bitstring(b):
    return _tlv(0x03, b'\x00' + b)


def _utf8(s):
    return _tlv(0x0c, s.encode())


def _time(dt):
    if dt.year < 2050:
        return _tlv(0x17, dt.strftime('%y%m%d%H%M%SZ').encode())
    return _tlv(0x18, dt.strftime('%Y%m%d%H%M%SZ').encode())


def _name(cn, org=None):
    rdns = []
    if org:
        rdns.append(_set(_seq(_oid('2.5.4.10'), _utf8(org))))
    rdns.append(_set(_seq(_oid('2.5.4.3'), _utf8(cn))))
    return _seq(*rdns)


def _pem(label, der):
    b = base64.b64encode(der).decode()
    return '-----BEGIN %s-----\n%s\n-----END %s-----\n' % (label, '\n'.join(b[i:i + 64] for i in range(0, len(b), 64)), label)


def _ext(oid, critical, value):
    return _seq(_oid(oid), *([_tlv(0x01, b'\xff')] if critical else []), _tlv(0x04, value))


_SHA256_RSA = _seq(_oid('1.2.840.113549.1.1.11'), b'\x05\x00')


def certificate(subject_key, subject_cn, issuer_key=None, issuer_cn=None, org=None, days=365, ca=False, client=False, serial=None):
    """PEM of an X.509 v3 certificate for `subject_key`; self-signed when no issuer is given."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    usage = b'\x03\x02\x05\xa0' if not ca else b'\x03\x02\x02\xa4'  # digitalSignature+keyEncipherment (+keyCertSign)
    exts = [_ext('2.5.29.15', True, usage)]
    if ca:
        exts.append(_ext('2.5.29.19', True, _seq(_tlv(0x01, b'\xff'))))
    if client:
        exts.append(_ext('2.5.29.37', False, _seq(_oid('1.3.6.1.5.5.7.3.2'))))
    tbs = _seq(
        _tlv(0xa0, _int(2)),
        _int(serial if serial is not None else secrets.randbits(63)),
        _SHA256_RSA,
        _name(issuer_cn or subject_cn),
        _seq(_time(now), _time(now + datetime.timedelta(days=days))),
        _name(subject_cn, org),
        subject_key.spki(),
        _tlv(0xa3, _seq(*exts)),
    )
    sig = (issuer_key or subject_key).sign_sha256(tbs)
    return _pem('CERTIFICATE', _seq(tbs, _SHA256_RSA, _bitstring(sig)))


# ---------------------------------------------------------------- reading

def _read_tlv(b, i):
    tag = b[i]
    ln = b[i + 1]
    j = i + 2
    if ln & 0x80:
        nb = ln & 0x7f
        ln = int.from_bytes(b[j:j + nb], 'big')
        j += nb
    return tag, j, j + ln  # tag, content start, end


def pem_der(pem_text, label='CERTIFICATE'):
    begin = '-----BEGIN %s-----' % label
    if begin not in pem_text:
        raise ValueError('invalid PEM data')
    body = pem_text.split(begin, 1)[1].split('-----END', 1)[0]
    return base64.b64decode(''.join(body.split()))


def cert_spki(pem_text):
    """The DER SubjectPublicKeyInfo of a PEM certificate."""
    der = pem_der(pem_text)
    _, cs, _ = _read_tlv(der, 0)          # Certificate
    _, ts, te = _read_tlv(der, cs)        # tbsCertificate
    i = ts
    fields = []
    while i < te:
        tag, s, e = _read_tlv(der, i)
        fields.append((tag, i, e))
        i = e
    if fields[0][0] == 0xa0:
        fields = fields[1:]
    _, start, end = fields[5]             # serial, sigAlg, issuer, validity, subject, spki
    return der[start:end]


def ca_cert_hash(pem_text):
    """`sha256:<hex>`, kubeadm's --discovery-token-ca-cert-hash of a CA certificate."""
    return 'sha256:' + hashlib.sha256(cert_spki(pem_text)).hexdigest()
