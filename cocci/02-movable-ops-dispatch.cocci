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
//  --json'); without it the step analyses the tree it runs on.
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
from movops import stepenv, generate

plan = stepenv.load_plan()
blocked = stepenv.refuse_if_blocked(plan, "movable-ops-dispatch")
dispatch = plan["dispatch"]
users = {u["ops"]: u for u in plan["users"]}

def is_user(name):
    return not blocked and name in users

def in_file(p, rel):
    return rel is not None and stepenv.relpath(p[0].file) == rel

first_line = {}     # file -> line of the first function after the includes
last_include = {}   # file -> line of the last #include <linux/...>
last_decl = {}      # file -> line of the last top-level declaration

// ---------------------------------------------------------------------------
// Each change follows the rules that find it.  A script that keeps one
// match of many drops the other environments, with whatever they carried,
// so no change inherits from a rule above such a script; and a position is
// never inherited across a rule that changes code.

@decoding@
identifier f : script:python() { not blocked and f == "page_movable_ops" };
identifier page;
position p;
@@
const struct movable_operations *f@p(struct page *page)
{
  ...
  return (const struct movable_operations *)
		((unsigned long)page->mapping - PAGE_MAPPING_MOVABLE);
}

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
identifier decoding.f;
position decoding.p;
identifier page;
@@
* const struct movable_operations *f@p(struct page *page)
  { ... }

// The decoding goes (with the blank line after it).
@depends on patch@
identifier decoding.f;
identifier page;
@@
- const struct movable_operations *f(struct page *page)
- { ... }

// The headers of the users go after the last #include <linux/...> that is
// not under an #ifdef (where Coccinelle puts what follows an include).
@inc depends on patch@
position p;
@@
#include <linux/...>@p

@script:python incgen depends on patch@
p << inc.p;
text;
@@
if not in_file(p, dispatch["host"]) or not dispatch["includes"] \
        or generate.last_include_line(p[0].file) != int(p[0].line):
    cocci.include_match(False)
else:
    coccinelle.text = cocci.make_ident(generate.include_lines(plan))

@depends on patch@
identifier incgen.text;
@@
#include <linux/...>
+text

// The dispatch goes before the first function after the includes of the
// file that hosts it.
@anyfn depends on patch@
identifier f;
type T;
position p;
@@
T f@p(...) { ... }

@script:python depends on patch@
p << anyfn.p;
@@
if in_file(p, dispatch["host"]):
    f = p[0].file
    if f not in last_include:
        last_include[f] = generate.last_include_line(f)
    line = int(p[0].line)
    if line > last_include[f] and line < first_line.get(f, 1 << 30):
        first_line[f] = line

@firstfn depends on patch@
identifier f;
type T;
position p;
@@
T f@p(...) { ... }

// The head is spelled out in the rule that adds the function, static or
// not; the body comes from the plan, printed as one statement that ends in
// "return NULL" (the rule supplies the ';').
@script:python gen_static depends on patch@
p << firstfn.p;
body;
@@
if not in_file(p, dispatch["host"]) or first_line.get(p[0].file) != int(p[0].line) \
        or not dispatch["static"]:
    cocci.include_match(False)
else:
    coccinelle.body = cocci.make_ident(generate.dispatch_body(plan))

@depends on patch@
identifier firstfn.f;
type T;
identifier gen_static.body;
@@
+static const struct movable_operations *page_movable_ops(struct page *page)
+{
+	body;
+}
+
T f(...) { ... }

@firstfn_e depends on patch@
identifier f;
type T;
position p;
@@
T f@p(...) { ... }

@script:python gen_extern depends on patch@
p << firstfn_e.p;
body;
@@
if not in_file(p, dispatch["host"]) or first_line.get(p[0].file) != int(p[0].line) \
        or dispatch["static"]:
    cocci.include_match(False)
else:
    coccinelle.body = cocci.make_ident(generate.dispatch_body(plan))

@depends on patch@
identifier firstfn_e.f;
type T;
identifier gen_extern.body;
@@
+const struct movable_operations *page_movable_ops(struct page *page)
+{
+	body;
+}
+
T f(...) { ... }

// Declarations go after the last top-level declaration of a header: the
// dispatch's, when some caller is outside the host; each user's extern.
@anydecl depends on patch@
declaration d;
position p;
@@
d@p

@script:python depends on patch@
p << anydecl.p;
@@
f = p[0].file
line = int(p[0].line)
if f.endswith(".h") and generate.at_top_level(f, line) and line > last_decl.get(f, 0):
    last_decl[f] = line

@lastdecl depends on patch@
declaration d;
position p;
@@
d@p

@script:python declgen depends on patch@
p << lastdecl.p;
fn;
@@
rel = stepenv.relpath(p[0].file)
if last_decl.get(p[0].file) != int(p[0].line) or rel != dispatch["decl_header"] \
        or dispatch["static"]:
    cocci.include_match(False)
else:
    coccinelle.fn = cocci.make_ident("page_movable_ops")

@depends on patch@
declaration lastdecl.d;
identifier declgen.fn;
@@
d
+
+/* migrate.c */
+const struct movable_operations *fn(struct page *page);

@lastdecl_e depends on patch@
declaration d;
position p;
@@
d@p

@script:python externgen depends on patch@
p << lastdecl_e.p;
ops;
@@
names = generate.externs_for_header(plan, stepenv.relpath(p[0].file))
if last_decl.get(p[0].file) != int(p[0].line) or not names:
    cocci.include_match(False)
else:
    # Several users of one header: one line each.
    coccinelle.ops = cocci.make_ident(
        ";\nextern const struct movable_operations ".join(names))

@depends on patch@
declaration lastdecl_e.d;
identifier externgen.ops;
@@
d
+
+extern const struct movable_operations ops;

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
