// SPDX-License-Identifier: GPL-2.0-only
/// mm: mark movable_ops pages with a page flag instead of page->mapping
///
/// page->mapping now only carries the PAGE_MAPPING_MOVABLE tag, set by
/// __SetPageMovable() and never cleared before the page is freed.  Use a
/// page flag instead: PG_movable_ops, an alias of PG_uptodate (which has no
/// meaning for these typed pages), set with SetPageMovableOps().
/// page_has_movable_ops() tests it together with the page types the
/// dispatch knows, since the flag alone can be set on other pages.
///
/// __SetPageMovable() goes: its prototype, its !CONFIG_COMPACTION stub, its
/// definition and its export.
///
// Confidence: High
// Copyright: (C) 2026 The movops authors.
// Comments: Applies only where nothing un-marks a page any more (no
//  __ClearPageMovable()) and page_has_movable_ops() still tests
//  page->mapping; elsewhere it reports why and changes nothing.
//  include/linux/page-flags.h and the __SetPageMovable() block of
//  include/linux/migrate.h are edited as text (an enumerator under #ifdef,
//  comments, a preprocessor block); the rest is SmPL.
// Options: --include-headers --no-includes

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import os, sys
def _movops_scripts():
    args = open("/proc/self/cmdline", "rb").read().decode().split("\0")
    for i, a in enumerate(args):
        if a in ("--sp-file", "--cocci-file") and i + 1 < len(args):
            return os.path.join(os.path.dirname(os.path.abspath(args[i + 1])), "..", "scripts")
        if a.endswith(".cocci"):
            return os.path.join(os.path.dirname(os.path.abspath(a)), "..", "scripts")
    return os.environ.get("MOVOPS_SCRIPTS", "scripts")
sys.path.insert(0, _movops_scripts())
from movops import stepenv, textedit, pageflag

plan = stepenv.load_plan()
edits, messages, skip = {}, [], None
if stepenv.refuse_if_blocked(plan, "movable-ops-page-flag"):
    skip = "the tree has blockers"
elif not plan.flag_step.applies:
    skip = plan.flag_step.reason
else:
    try:
        edits, messages = pageflag.edits(plan)
    except textedit.Mismatch as e:
        skip = str(e) + "; nothing changed"
if skip:
    print(f"movops: movable-ops-page-flag: skipped: {skip}", file=sys.stderr)

def allowed():
    return skip is None

def keep_if(cond):
    if not cond:
        cocci.include_match(False)

@call@
expression P;
position p;
@@
__SetPageMovable@p(P)

@script:python depends on call@
@@
keep_if(allowed())

@depends on patch@
expression call.P;
position call.p;
@@
- __SetPageMovable@p(P)
+ SetPageMovableOps(P)

@script:python depends on report@
p << call.p;
@@
coccilib.report.print_report(p[0], "__SetPageMovable(): set PG_movable_ops with SetPageMovableOps()")

@script:python depends on org@
p << call.p;
@@
coccilib.org.print_todo(p[0], "__SetPageMovable() call")

@depends on context@
expression call.P;
position call.p;
@@
* __SetPageMovable@p(P)

// The definition and its export go.
@def@
identifier page;
position p;
@@
void __SetPageMovable@p(struct page *page) { ... }

// Not the stub: its whole #ifdef block goes as text.
@script:python@
p << def.p;
@@
keep_if(allowed() and stepenv.relpath(p[0].file) not in edits)

@depends on patch@
identifier page;
position def.p;
@@
- void __SetPageMovable@p(struct page *page) { ... }

@depends on patch && def@
declarer name EXPORT_SYMBOL;
@@
- EXPORT_SYMBOL(__SetPageMovable);

@finalize:python@
@@
mode = next((m for m in ("patch", "report", "context", "org")
             if m in stepenv._spatch_args()), "patch")
textedit.finish(edits, mode, messages)
