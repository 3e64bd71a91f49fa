// SPDX-License-Identifier: GPL-2.0-only
/// mm: look up movable_ops by page type instead of decoding page->mapping
///
/// page_movable_ops() recovers a page's movable_operations by decoding the
/// pointer that __SetPageMovable() stored in page->mapping.  Look them up
/// statically instead, from the page type that identifies each user of
/// movable_ops page migration: one branch per user, compiled under the
/// options that make its ops object exist.
///
/// The branches are generated from the users found in the tree: every ops
/// object passed to __SetPageMovable(), the page type set on its pages
/// before they are marked movable, and the guard of its definition.  Each
/// ops object becomes visible where the dispatch lives: no longer static, a
/// static forward declaration removed, an extern declaration in the user's
/// header, and that header included.
///
/// __SetPageMovable() still stores the pointer; nothing reads it any more.
///
// Confidence: High
// Copyright: (C) 2026 The movops authors.
// Comments: Needs the whole tree's users: run by scripts/apply-series.sh,
//  or give MOVOPS_PLAN=<analysis.json> ('scripts/apply-series.sh --analyze
//  --json'); without it the step analyses the tree it runs on.  The
//  #include lines and the declarations in headers are text edits
//  (scripts/movops/dispatchtext.py): a header that does not mention the
//  rework yet offers a semantic patch nothing to match.  Every rule names
//  page_movable_ops or movable_operations, so spatch only reads the files
//  that do.
// Options: --include-headers --no-includes

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(cocci.cocci_file)), "..", "scripts"))
from movops import stepenv, generate, textedit, dispatchtext

plan = stepenv.load_plan()
mode = "patch"
# Says why the step changes nothing, if so (a blocked tree, or one that has
# its dispatch already).
text = dispatchtext.step(plan)
blocked = text.skip is not None
dispatch = plan.dispatch
users = {u.ops: u for u in plan.users}

def is_user(name):
    return not blocked and name in users

def in_file(p, rel):
    return rel is not None and stepenv.relpath(p[0].file) == rel

first_caller = {}   # file -> line of the first function that calls the decoding

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

// ---------------------------------------------------------------------------
// A script that keeps one match of many drops the other environments, with
// whatever they carried: so the decoding goes before any such script runs,
// and no change inherits a position across a rule that changes code.

@decoding@
identifier page;
position p;
@@
const struct movable_operations *page_movable_ops@p(struct page *page)
{
  ...
  return (const struct movable_operations *)
		((unsigned long)page->mapping - PAGE_MAPPING_MOVABLE);
}

@script:python depends on decoding@
@@
if blocked:
    cocci.include_match(False)

@depends on patch@
position decoding.p;
identifier page;
@@
- const struct movable_operations *page_movable_ops@p(struct page *page)
- { ... }

@script:python depends on report@
p << decoding.p;
@@
coccilib.report.print_report(p[0], "page_movable_ops() decodes page->mapping; "
                             "look the ops up by page type instead")

@script:python depends on org@
p << decoding.p;
@@
coccilib.org.print_todo(p[0], "pointer decoding of page->mapping into movable_operations")

@depends on context@
position decoding.p;
identifier page;
@@
* const struct movable_operations *page_movable_ops@p(struct page *page)
  { ... }

// The dispatch goes before the first function of the host that calls it
// (in mainline and in stable trees, the first function after the
// includes): a static function must be defined before its first use.
@callers depends on patch@
identifier f;
type T;
position p;
@@
T f@p(...) { <+... page_movable_ops(...) ...+> }

@script:python depends on patch@
p << callers.p;
@@
if in_file(p, dispatch.host) and not blocked:
    line = int(p[0].line)
    if line < first_caller.get(p[0].file, 1 << 30):
        first_caller[p[0].file] = line

@first depends on patch@
identifier callers.f;
type T;
position p;
@@
T f@p(...) { ... }

// The head is spelled out in the rule that adds the function, static or
// not; the body comes from the plan, printed as one statement that ends in
// "return NULL" (the rule supplies the ';').
@script:python gen_static depends on patch@
p << first.p;
body;
@@
if first_caller.get(p[0].file) != int(p[0].line) or not dispatch.static:
    cocci.include_match(False)
else:
    coccinelle.body = cocci.make_ident(generate.dispatch_body(plan))

@depends on patch@
identifier callers.f;
type T;
identifier gen_static.body;
@@
+static const struct movable_operations *page_movable_ops(struct page *page)
+{
+	body;
+}
+
T f(...) { ... }

// The same for a dispatch that is not static, from a fresh match: the
// script above dropped every environment it did not keep.
@callers_e depends on patch@
identifier f;
type T;
@@
T f(...) { <+... page_movable_ops(...) ...+> }

@first_e depends on patch@
identifier callers_e.f;
type T;
position p;
@@
T f@p(...) { ... }

@script:python gen_extern depends on patch@
p << first_e.p;
body;
@@
if first_caller.get(p[0].file) != int(p[0].line) or dispatch.static:
    cocci.include_match(False)
else:
    coccinelle.body = cocci.make_ident(generate.dispatch_body(plan))

@depends on patch@
identifier callers_e.f;
type T;
identifier gen_extern.body;
@@
+const struct movable_operations *page_movable_ops(struct page *page)
+{
+	body;
+}
+
T f(...) { ... }

// ---------------------------------------------------------------------------
// Each ops object becomes visible to the dispatch.

@ops_static@
identifier X : script:python() { is_user(X) };
position p;
@@
static const struct movable_operations X@p = { ... };

@script:python depends on report@
X << ops_static.X;
p << ops_static.p;
@@
coccilib.report.print_report(p[0], f"{X} is static; the dispatch by page type needs to see it")

@depends on patch@
identifier ops_static.X;
@@
- static
  const struct movable_operations X = { ... };

@ops_fwd@
identifier X : script:python() { is_user(X) };
position p;
@@
static const struct movable_operations X@p;

@script:python depends on report@
X << ops_fwd.X;
p << ops_fwd.p;
@@
coccilib.report.print_report(p[0], f"static forward declaration of {X} goes")

@depends on patch@
identifier ops_fwd.X;
@@
- static const struct movable_operations X;

// The text edits go out after spatch's own output (textedit.py says how).
@finalize:python@
@@
textedit.finish(text, mode)
