"""Time formats of kubectl and kubeadm (apimachinery's duration helpers, RFC 3339)."""
import datetime
import time


def now():
    return time.time()


def rfc3339(ts, local=False):
    """'2019-02-12T10:33:40Z' (UTC) or with the local offset like Go's time.Format(RFC3339)."""
    if local:
        d = datetime.datetime.fromtimestamp(int(ts)).astimezone()
        s = d.isoformat()
        return s[:-6] + 'Z' if s.endswith('+00:00') else s
    return datetime.datetime.fromtimestamp(int(ts), datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def parse_rfc3339(s):
    s = s.replace('Z', '+00:00')
    return datetime.datetime.fromisoformat(s).timestamp()


def human_duration(seconds):
    """duration.HumanDuration (the AGE column)."""
    s = int(seconds)
    if s < -1:
        return '<invalid>'
    if s < 0:
        return '0s'
    if s < 120:
        return '%ds' % s
    minutes = s // 60
    if minutes < 10:
        r = s % 60
        return '%dm' % minutes if r == 0 else '%dm%ds' % (minutes, r)
    if minutes < 180:
        return '%dm' % minutes
    hours = s // 3600
    if hours < 8:
        m = minutes % 60
        return '%dh' % hours if m == 0 else '%dh%dm' % (hours, m)
    if hours < 48:
        return '%dh' % hours
    if hours < 24 * 8:
        h = hours % 24
        return '%dd' % (hours // 24) if h == 0 else '%dd%dh' % (hours // 24, h)
    if hours < 24 * 365 * 2:
        return '%dd' % (hours // 24)
    if hours < 24 * 365 * 8:
        return '%dy%dd' % (hours // 24 // 365, (hours // 24) % 365)
    return '%dy' % (hours // 24 // 365)


def short_human_duration(seconds):
    """duration.ShortHumanDuration (kubeadm token list's TTL column)."""
    s = int(seconds)
    if s < -1:
        return '<invalid>'
    if s < 0:
        return '0s'
    if s < 60:
        return '%ds' % s
    if s < 3600:
        return '%dm' % (s // 60)
    if s < 86400:
        return '%dh' % (s // 3600)
    if s < 86400 * 365:
        return '%dd' % (s // 86400)
    return '%dy' % (s // (86400 * 365))


def parse_go_duration(text):
    """Seconds in a Go duration ('24h0m0s', '10m', '1h30m', '0', '90s', '500ms'); None if malformed."""
    import re
    t = str(text).strip()
    if t in ('0', '0s'):
        return 0.0
    if not re.match(r'^([0-9.]+(h|m|s|ms|us|µs|ns))+$', t):
        return None
    total = 0.0
    for num, unit in re.findall(r'([0-9.]+)(h|ms|m|s|us|µs|ns)', t):
        total += float(num) * {'h': 3600, 'm': 60, 's': 1, 'ms': 1e-3, 'us': 1e-6, 'µs': 1e-6, 'ns': 1e-9}[unit]
    return total


def go_duration(seconds):
    """time.Duration.String(): 24h0m0s, 5m0s, 10s, 0s."""
    s = int(seconds)
    if s == 0:
        return '0s'
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if h:
        return '%dh%dm%ds' % (h, m, sec)
    if m:
        return '%dm%ds' % (m, sec)
    return '%ds' % sec
