// SPDX-License-Identifier: GPL-2.0-only
/// mm: stop storing movable_operations in page->mapping
///
/// Nothing reads the movable_operations pointer that __SetPageMovable()
/// stores in page->mapping any more: the ops are looked up by page type.
/// Drop the ops argument of __SetPageMovable() and store only
/// PAGE_MAPPING_MOVABLE, which still marks the page as movable.
///
/// Every caller loses the argument, and so does every helper whose ops
/// parameter was only passed on to __SetPageMovable(), together with its
/// own callers.  An export of an ops object that no module needs once the
/// object is no longer passed around is dropped.
///
// Confidence: High
// Copyright: (C) 2026 The movops authors.
// Comments: Helpers are found across files: run by scripts/apply-series.sh,
//  or give MOVOPS_PLAN=<analysis.json>; without it the step analyses the
//  tree it runs on.
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
from movops import stepenv

plan = stepenv.load_plan()
blocked = stepenv.refuse_if_blocked(plan, "setpagemovable-drop-ops")
helpers = {} if blocked else plan["helpers"]
drop_export = set() if blocked else {u["ops"] for u in plan["users"] if u.get("drop_export")}

def is_helper(name):
    return name in helpers

def allowed():
    return not blocked

// ---------------------------------------------------------------------------
// Calls.  A member call through a function pointer field of the same name is
// not matched: the callee here is the identifier itself.

@call@
identifier f : script:python() { allowed() and f == "__SetPageMovable" };
expression P, O;
position p;
@@
f@p(P, O)

@depends on patch@
identifier call.f;
expression call.P, call.O;
position call.p;
@@
f@p(P
- , O
  )

@depends on context@
identifier call.f;
expression call.P, call.O;
position call.p;
@@
* f@p(P, O)

@script:python depends on report@
p << call.p;
O << call.O;
@@
coccilib.report.print_report(p[0], f"__SetPageMovable() still gets the ops ({O})")

@script:python depends on org@
p << call.p;
@@
coccilib.org.print_todo(p[0], "__SetPageMovable() with an ops argument")

// Calls of helpers that only forward the ops: the argument at the helper's
// ops position goes.
@hcall@
identifier h : script:python() { is_helper(h) };
expression list[n] before;
expression O;
position p;
@@
h@p(before, O, ...)

@script:python hkeep@
h << hcall.h;
n << hcall.n;
@@
if int(n) != helpers[h]["index"]:
    cocci.include_match(False)

// The ops argument last (the usual case) or followed by others: the comma
// that goes is the one before it, or the one after it.
@depends on patch@
identifier hcall.h;
expression list[hcall.n] before;
expression hcall.O;
position hcall.p;
@@
(
h@p(before
- , O
  )
|
h@p(before,
- O,
  ...)
)

@script:python depends on report@
p << hcall.p;
h << hcall.h;
@@
coccilib.report.print_report(p[0], f"{h}() only forwards its ops argument to __SetPageMovable()")

// ---------------------------------------------------------------------------
// The definition: the sanity check on the pointer goes, and only the tag is
// stored.

@def@
identifier f : script:python() { allowed() and f == "__SetPageMovable" };
identifier page, ops;
position p;
@@
void f@p(struct page *page, const struct movable_operations *ops) { ... }

@depends on patch@
identifier def.f, def.page, def.ops;
expression E;
@@
void f(struct page *page, const struct movable_operations *ops) {
  <...
(
- VM_BUG_ON_PAGE((unsigned long)ops & E, page);
|
- (unsigned long)ops | E
+ E
)
  ...>
}

// The definition, the !CONFIG_COMPACTION stub and the prototype lose the
// parameter.
@depends on patch@
identifier def.f, page, ops;
@@
void f(struct page *page
- , const struct movable_operations *ops
  ) { ... }

@proto@
identifier f : script:python() { allowed() and f == "__SetPageMovable" };
identifier page, ops;
position p;
@@
void f@p(struct page *page, const struct movable_operations *ops);

@depends on patch@
identifier proto.f, page, ops;
@@
void f(struct page *page
- , const struct movable_operations *ops
  );

@script:python depends on report@
p << def.p;
@@
coccilib.report.print_report(p[0], "__SetPageMovable() takes an ops pointer it only stores")

// Helpers lose their ops parameter, definitions and prototypes alike.
@hdef@
identifier h : script:python() { is_helper(h) };
parameter list[n] before;
identifier m;
type T;
position p;
@@
T h@p(before, const struct movable_operations *m, ...) { ... }

@script:python hdefkeep@
h << hdef.h;
n << hdef.n;
@@
if int(n) != helpers[h]["index"]:
    cocci.include_match(False)

@depends on patch@
identifier hdef.h, hdef.m;
parameter list[hdef.n] before;
type T;
@@
(
T h(before
- , const struct movable_operations *m
  ) { ... }
|
T h(before,
- const struct movable_operations *m,
  ...) { ... }
)

@hproto@
identifier h : script:python() { is_helper(h) };
parameter list[n] before;
identifier m;
type T;
@@
T h(before, const struct movable_operations *m, ...);

@script:python hprotokeep@
h << hproto.h;
n << hproto.n;
@@
if int(n) != helpers[h]["index"]:
    cocci.include_match(False)

@depends on patch@
identifier hproto.h, hproto.m;
parameter list[hproto.n] before;
type T;
@@
(
T h(before
- , const struct movable_operations *m
  );
|
T h(before,
- const struct movable_operations *m,
  ...);
)

// ---------------------------------------------------------------------------
// Exports no module needs any more.

@export depends on patch@
declarer name EXPORT_SYMBOL, EXPORT_SYMBOL_GPL;
identifier X : script:python() { X in drop_export };
@@
(
- EXPORT_SYMBOL(X);
|
- EXPORT_SYMBOL_GPL(X);
)
