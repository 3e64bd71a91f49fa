# SPDX-License-Identifier: GPL-2.0
"""What spatch could not parse, read from 'spatch --parse-ch' (facts.py).

spatch skips the code it cannot parse and goes on with the rest of the
file, silently in its normal modes: a fact it did not report is
indistinguishable from one the code does not have.  --parse-ch parses
each file the way the facts pass does (the same parser and macro file,
one file after the other, so the output is in file order) and prints, for
each region it gave up on:

    PARSING: ./include/linux/migrate.h
    ...
    parse error
     = File "./include/linux/migrate.h", line 239, column 0, charpos = 7968
    ...
    badcount: 10
    bad: }
    ...
    BAD:!!!!! <the line where parsing failed, when it knows one>

The 'File' may be the macro file (/usr/lib/coccinelle/standard.h) when the
failure is inside an expansion; the region always belongs to the file being
parsed.  The 'bad' lines are the file's own lines, in order: where they
occur in the file gives the region's line numbers.  Measured with spatch
1.1.1 on Debian's 6.12 and 6.1 trees: their candidate files already have
such regions (macro definitions in page-flags.h, zsmalloc.c's
DEFINE_PER_CPU initializer, z3fold.c's for_each_unbuddied_list), none in
code the rework reads.  Pure functions; the run is facts.parse_check().
"""
import re

from . import csource
from .plan import ParseFailure


def regions(output):
    """{file: [(bad lines, error line or None, index of the BAD:!!!!! line
    or None)]} of a --parse-ch OUTPUT; files as spatch names them, './'
    removed."""
    out = {}
    cur = None
    lines = output.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"(?:PARSING|HANDLING): (.*)$", line)
        if m:
            cur = _rel(m.group(1).strip())
            out.setdefault(cur, [])
        elif line.startswith("parse error") and cur is not None:
            err_line = None
            j = i + 1
            while j < len(lines) and not lines[j].startswith("badcount:"):
                mm = re.match(r'\s*= File "(.*?)", line (\d+)', lines[j])
                if mm and _rel(mm.group(1)) == cur:
                    err_line = int(mm.group(2))
                if lines[j].startswith(("parse error", "PARSING:")):
                    break
                j += 1
            if j < len(lines) and lines[j].startswith("badcount:"):
                count = int(lines[j].split(":", 1)[1].strip() or 0)
                bad, marker = [], None
                k = j + 1
                while k < len(lines):
                    b = lines[k]
                    if b.startswith("bad:"):
                        bad.append(b[5:] if b.startswith("bad: ") else b[4:])
                    elif b.startswith("BAD:!!!!!"):
                        marker = len(bad)
                        bad.append(b[10:] if b.startswith("BAD:!!!!! ") else b[9:])
                    else:
                        break
                    k += 1
                # A negative count: a retry that found nothing more.
                if bad and count > 0:
                    out[cur].append((bad, err_line, marker))
                i = k - 1
        i += 1
    return out


def _rel(path):
    return path[2:] if path.startswith("./") else path


def locate(text, bad, err_line=None, marker=None):
    """(first, last) lines of TEXT that the BAD lines are, or None.  Where
    they occur more than once, the occurrence whose marked line is
    ERR_LINE, else the one nearest to it."""
    lines = text.split("\n")
    n = len(bad)
    want = [b.rstrip() for b in bad]
    starts = [s for s in range(len(lines) - n + 1)
              if all(lines[s + k].rstrip() == want[k] for k in range(n))]
    if not starts:
        return None
    if err_line is not None:
        if marker is not None:
            exact = [s for s in starts if s + marker + 1 == err_line]
            if exact:
                starts = exact
        starts.sort(key=lambda s: abs(s + 1 - err_line))
    s = starts[0]
    return s + 1, s + n


def failures(output, texts):
    """[ParseFailure] of a --parse-ch OUTPUT over TEXTS ({file: text}): each
    region located in its file, with the functions it overlaps."""
    out = []
    for f, found in sorted(regions(output).items()):
        text = texts.get(f)
        if text is None:
            continue
        funcs = csource.functions(text)
        for bad, err_line, marker in found:
            where = locate(text, bad, err_line, marker)
            if where is None:
                continue
            first, last = where
            # A function is in the region when its header is, or the region
            # lies within it; one whose closing brace starts it parsed.
            names = sorted({name for name, a, b in funcs
                            if first <= a <= last or a < first <= last <= b})
            out.append(ParseFailure(file=f, first=first, last=last, functions=names))
    return merge(out)


def merge(failures):
    """FAILURES with the overlapping regions of a file made one (spatch
    retries a region and reports each attempt)."""
    out = []
    for p in sorted(failures, key=lambda p: (p.file, p.first, p.last)):
        if out and out[-1].file == p.file and p.first <= out[-1].last:
            q = out[-1]
            out[-1] = ParseFailure(file=q.file, first=q.first, last=max(q.last, p.last),
                                   functions=sorted(set(q.functions) | set(p.functions)))
        else:
            out.append(p)
    return out
