# SPDX-License-Identifier: GPL-2.0
"""Plain-text tables: a header, a rule of dashes, one line per row."""


def table(header, rows, align="", indent="", strip=True, free_last=None):
    """Lines of a table whose columns are two spaces apart.

    ALIGN: one letter per column, 'l' (the default) or 'r'.  INDENT
    starts every line.  STRIP drops the padding at the end of a line (never the indent).
    FREE_LAST: the last column is not padded (a free-text summary) and
    its rule is that many dashes.
    """
    padded = len(header) - (1 if free_last is not None else 0)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(padded)]

    def line(r):
        cells = [str(c).rjust(w) if align[i:i + 1] == "r" else str(c).ljust(w)
                 for i, (c, w) in enumerate(zip(r, widths))]
        if free_last is not None:
            cells.append(str(r[-1]))
        text = "  ".join(cells)
        return indent + (text.rstrip() if strip else text)

    rule = indent + "  ".join("-" * w for w in widths)
    if free_last is not None:
        rule += "  " + "-" * free_last
    return [line(header), rule, *(line(r) for r in rows)]
