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
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(cocci.cocci_file)), "..", "scripts"))
from movops import stepenv, textedit, pageflag

plan = stepenv.load_plan()
mode = "patch"
text = pageflag.step(plan)

def allowed():
    return text.skip is None

def keep_if(cond):
    if not cond:
        cocci.include_match(False)

// The mode: from the virtual rule the caller defines (-D report, as
// coccicheck does), in rules that run after the one above.
@initialize:python depends on report@
@@
mode = "report"

@initialize:python depends on context@
@@
mode = "context"

@initialize:python depends on org@
@@
mode = "org"

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
keep_if(allowed() and stepenv.relpath(p[0].file) not in text.edits)

@depends on patch@
identifier page;
position def.p;
@@
- void __SetPageMovable@p(struct page *page) { ... }

@depends on patch && def@
declarer name EXPORT_SYMBOL;
@@
- EXPORT_SYMBOL(__SetPageMovable);

// The text edits go out after spatch's own output (textedit.py says how).
@finalize:python@
@@
textedit.finish(text, mode)
