"""Docker's output helpers: go-units sizes and durations, tabwriter tables, --format rows."""
from datetime import datetime, timezone

from .gotemplate import render


def human_duration(seconds):
    """go-units HumanDuration, as `docker images` shows CREATED."""
    s = int(seconds)
    if s < 1:
        return 'Less than a second'
    if s == 1:
        return '1 second'
    if s < 60:
        return '%d seconds' % s
    m = s // 60
    if m == 1:
        return 'About a minute'
    if m < 60:
        return '%d minutes' % m
    h = int(seconds / 3600 + 0.5)
    if h == 1:
        return 'About an hour'
    if h < 48:
        return '%d hours' % h
    if h < 24 * 7 * 2:
        return '%d days' % (h // 24)
    if h < 24 * 30 * 2:
        return '%d weeks' % (h // 24 // 7)
    if h < 24 * 365 * 2:
        return '%d months' % (h // 24 // 30)
    return '%d years' % (int(seconds / 3600) // 24 // 365)


def human_size(size):
    """go-units HumanSizeWithPrecision(size, 3): decimal units, 3 significant digits."""
    units = ['B', 'kB', 'MB', 'GB', 'TB']
    i = 0
    size = float(size)
    while size >= 1000 and i < len(units) - 1:
        size /= 1000
        i += 1
    return '%.3g%s' % (size, units[i])


def tabwrite(lines):
    """text/tabwriter as docker's tables use it: minwidth 20, padding 3; the last cell is free."""
    rows = [line.split('\t') for line in lines]
    ncols = max(len(r) for r in rows) - 1
    widths = [max([20] + [len(r[i]) + 3 for r in rows if len(r) > i + 1]) for i in range(ncols)]
    return [''.join(c.ljust(widths[i]) if i < len(r) - 1 else c for i, c in enumerate(r)) for r in rows]


def parse_time(iso):
    return datetime.strptime(iso[:19], '%Y-%m-%dT%H:%M:%S').replace(tzinfo=timezone.utc)


def docker_format(fmt):
    """docker's formatter: a 'table ' prefix and the \\t, \\n escapes written on command lines."""
    table = fmt.startswith('table')
    if table:
        fmt = fmt[len('table'):]
    return table, fmt.strip(' ').replace('\\t', '\t').replace('\\n', '\n')


def write_rows(rows, fmt, headers):
    table, fmt = docker_format(fmt)
    lines = [render(fmt, headers)] if table else []
    lines += [render(fmt, r) for r in rows]
    if table:
        lines = tabwrite(lines)
    for line in lines:
        print(line)
