"""Go's text/tabwriter as kubectl (minwidth 6) and kubeadm token list (minwidth 10) use it: padding 3."""


def render(rows, minwidth=6, padding=3):
    """rows: lists of cells; every cell but the last of a row is a padded column."""
    ncols = max((len(r) for r in rows), default=0)
    widths = [0] * ncols
    for r in rows:
        for i, c in enumerate(r[:-1]):
            widths[i] = max(widths[i], len(c) + padding, minwidth)
    out = []
    for r in rows:
        line = ''.join(c.ljust(widths[i]) for i, c in enumerate(r[:-1])) + (r[-1] if r else '')
        out.append(line)
    return '\n'.join(out) + ('\n' if out else '')
