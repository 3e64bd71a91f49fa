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
//  tree it runs on.  Every rule names __SetPageMovable or
//  movable_operations, or inherits an ops object from a rule that does, so
//  spatch only reads the files that can change.
// Options: --include-headers --no-includes

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(cocci.cocci_file)), "..", "scripts"))
from movops import stepenv

plan = stepenv.load_plan()
blocked = stepenv.refuse_if_blocked(plan, "setpagemovable-drop-ops")
helpers = {} if blocked else plan.helpers
drop_export = set() if blocked else {u.ops for u in plan.users if u.drop_export}

def is_helper(name):
    return name in helpers

def allowed():
    return not blocked

def keep_if(cond):
    if not cond:
        cocci.include_match(False)

// ---------------------------------------------------------------------------
// Calls.  A member call through a function pointer field of the same name is
// not matched: the callee here is the identifier itself.

@call@
expression P, O;
position p;
@@
__SetPageMovable@p(P, O)

@script:python depends on call@
@@
keep_if(allowed())

@depends on patch@
expression call.P, call.O;
position call.p;
@@
__SetPageMovable@p(P
- , O
  )

@depends on context@
expression call.P, call.O;
position call.p;
@@
* __SetPageMovable@p(P, O)

@script:python depends on report@
p << call.p;
O << call.O;
@@
coccilib.report.print_report(p[0], f"__SetPageMovable() still gets the ops ({O})")

@script:python depends on org@
p << call.p;
@@
coccilib.org.print_todo(p[0], "__SetPageMovable() with an ops argument")

// ---------------------------------------------------------------------------
// The definition: the sanity check on the pointer goes, and only the tag is
// stored; then the definition, the !CONFIG_COMPACTION stub and the
// prototype lose the parameter.

@def@
identifier page, ops;
position p;
@@
void __SetPageMovable@p(struct page *page, const struct movable_operations *ops) { ... }

@script:python depends on def@
@@
keep_if(allowed())

@depends on patch@
identifier def.page, def.ops;
expression E;
@@
void __SetPageMovable(struct page *page, const struct movable_operations *ops) {
  <...
(
- VM_BUG_ON_PAGE((unsigned long)ops & E, page);
|
- (unsigned long)ops | E
+ E
)
  ...>
}

@script:python depends on report@
p << def.p;
@@
coccilib.report.print_report(p[0], "__SetPageMovable() takes an ops pointer it only stores")

@depends on patch && def@
identifier page, ops;
@@
void __SetPageMovable(struct page *page
- , const struct movable_operations *ops
  ) { ... }

@proto@
identifier page, ops;
@@
void __SetPageMovable(struct page *page, const struct movable_operations *ops);

@script:python depends on proto@
@@
keep_if(allowed())

@depends on patch@
identifier proto.page, proto.ops;
@@
void __SetPageMovable(struct page *page
- , const struct movable_operations *ops
  );

// ---------------------------------------------------------------------------
// Helpers whose ops parameter only goes to __SetPageMovable() (found across
// the tree by the analysis) lose it, definitions and prototypes alike ...

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
keep_if(allowed() and int(n) == helpers[h].index)

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

@script:python depends on report@
p << hdef.p;
h << hdef.h;
@@
coccilib.report.print_report(p[0], f"{h}() only forwards its ops to __SetPageMovable()")

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
keep_if(allowed() and int(n) == helpers[h].index)

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

// ... and so do their calls, which pass an ops object of the file (or a
// pointer to one).  The argument at the helper's ops position goes.
@opsobj@
identifier X;
@@
(
const struct movable_operations X = { ... };
|
const struct movable_operations X;
)

@hcall@
identifier opsobj.X;
identifier h : script:python() { is_helper(h) };
expression list[n] before;
position p;
@@
h@p(before, &X, ...)

@script:python@
h << hcall.h;
n << hcall.n;
@@
keep_if(allowed() and int(n) == helpers[h].index)

@depends on patch@
identifier opsobj.X;
identifier hcall.h;
expression list[hcall.n] before;
position hcall.p;
@@
(
h@p(before
- , &X
  )
|
h@p(before,
- &X,
  ...)
)

@opsvar@
identifier opsobj.X;
identifier v;
type T;
@@
(
T *v = &X;
|
v = &X
)

@hcallvar@
identifier opsvar.v;
identifier h : script:python() { is_helper(h) };
expression list[n] before;
position p;
@@
h@p(before, v, ...)

@script:python@
h << hcallvar.h;
n << hcallvar.n;
@@
keep_if(allowed() and int(n) == helpers[h].index)

@depends on patch@
identifier opsvar.v;
identifier hcallvar.h;
expression list[hcallvar.n] before;
position hcallvar.p;
@@
(
h@p(before
- , v
  )
|
h@p(before,
- v,
  ...)
)

// A helper of a helper passes on its own ops parameter.
@hcallparam@
identifier hdef.m;
identifier g : script:python() { is_helper(g) };
expression list[n] before;
position p;
@@
g@p(before, m, ...)

@script:python@
g << hcallparam.g;
n << hcallparam.n;
@@
keep_if(allowed() and int(n) == helpers[g].index)

@depends on patch@
identifier hdef.m;
identifier hcallparam.g;
expression list[hcallparam.n] before;
position hcallparam.p;
@@
(
g@p(before
- , m
  )
|
g@p(before,
- m,
  ...)
)

// ---------------------------------------------------------------------------
// Exports no module needs any more.

// The export macros are matched through a declarer metavariable, not by
// name: a named declarer would become a token of spatch's file prefilter,
// and every file with an EXPORT_SYMBOL (5,000 in a kernel tree) would be
// parsed.  With the ops object inherited from opsobj, only files that
// define one can match.
@export depends on patch@
declarer d : script:python() { d in ("EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL") };
identifier opsobj.X;
position p;
@@
d@p(X);

@script:python depends on export@
X << opsobj.X;
@@
keep_if(allowed() and X in drop_export)

@depends on patch@
declarer d : script:python() { d in ("EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL") };
identifier opsobj.X;
position export.p;
@@
- d@p(X);
