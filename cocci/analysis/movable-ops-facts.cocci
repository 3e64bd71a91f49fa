// SPDX-License-Identifier: GPL-2.0-only
/// Report the facts the movable_ops rework depends on, one JSON object per
/// line prefixed with "MOVOPS ", for scripts/movops/analysis.py to reason
/// about: where pages are marked and un-marked movable and with which ops,
/// which functions only forward an ops pointer, where page types are set and
/// cleared, where pages are allocated and released, the movable_operations
/// objects and their exports, and the callers of the pointer decoding.
///
/// This file changes nothing.  Ordering questions ("is the type set before
/// the page is marked?") are answered by the caller from the positions
/// reported here, within one function.
//
// Confidence: High
// Copyright: (C) 2026 The movops authors.
// Options: --include-headers --no-includes --no-loops

virtual report

@initialize:python@
@@
import json
import re

def _pos(p):
    return {"file": p[0].file, "line": int(p[0].line), "col": int(p[0].column),
            "fn": p[0].current_element}

def emit(kind, p, **kw):
    d = {"kind": kind}
    d.update(_pos(p))
    d.update(kw)
    print("MOVOPS " + json.dumps(d, sort_keys=True))

// ---------------------------------------------------------------------------
// Marking and un-marking pages movable.

@mark@
expression P, O;
position p;
@@
__SetPageMovable@p(P, O)

@script:python@
P << mark.P;
O << mark.O;
p << mark.p;
@@
emit("mark", p, page=str(P), ops=str(O))

@mark1@
expression P;
position p;
@@
__SetPageMovable@p(P)

@script:python@
P << mark1.P;
p << mark1.p;
@@
emit("mark1", p, page=str(P))

@unmark@
expression P;
position p;
@@
__ClearPageMovable@p(P)

@script:python@
P << unmark.P;
p << unmark.p;
@@
emit("unmark", p, page=str(P))

// ---------------------------------------------------------------------------
// Functions that take a movable_operations pointer, and what they do with it.

@opsparam@
identifier f, m;
type T;
parameter list[n] before;
parameter list after;
position p;
@@
T f@p(before, const struct movable_operations *m, after) { ... }

@opsparam_call@
identifier opsparam.f, opsparam.m, g;
expression list[k] args;
position q;
@@
f(...) { <... g@q(args, m, ...) ...> }

@opsparam_use@
identifier opsparam.f, opsparam.m;
position q;
@@
f(...) { <... m@q ...> }

@script:python@
f << opsparam.f;
m << opsparam.m;
n << opsparam.n;
p << opsparam.p;
@@
emit("opsparam", p, func=str(f), param=str(m), index=int(n))

@script:python@
f << opsparam.f;
m << opsparam.m;
g << opsparam_call.g;
k << opsparam_call.k;
q << opsparam_call.q;
@@
for one in q:
    emit("opsparam_call", [one], func=str(f), param=str(m), callee=str(g), index=int(k))

@script:python@
f << opsparam.f;
m << opsparam.m;
q << opsparam_use.q;
@@
for one in q:
    emit("opsparam_use", [one], func=str(f), param=str(m))

// A local pointer that holds the address of an ops object.
@opsvar@
identifier v, X;
position q;
type T;
@@
(
T *v@q = &X;
|
v@q = &X
)

@script:python@
v << opsvar.v;
X << opsvar.X;
q << opsvar.q;
@@
emit("var_addr", q, var=str(v), obj=str(X))

// ---------------------------------------------------------------------------
// movable_operations objects.

@opsdef@
identifier X;
initializer list fields;
position p;
@@
const struct movable_operations X@p = { fields };

@script:python@
X << opsdef.X;
fields << opsdef.fields;
p << opsdef.p;
@@
cbs = dict(re.findall(r"\.\s*(\w+)\s*=\s*&?\s*(\w+)", str(fields)))
emit("opsdef", p, obj=str(X), callbacks=cbs)

@opsdef_static@
identifier X;
initializer list fields;
position p;
@@
static const struct movable_operations X@p = { fields };

@script:python@
X << opsdef_static.X;
p << opsdef_static.p;
@@
emit("opsdef_static", p, obj=str(X))

@opsdecl@
identifier X;
position p;
@@
const struct movable_operations X@p;

@script:python@
X << opsdecl.X;
p << opsdecl.p;
@@
emit("opsdecl", p, obj=str(X))

@opsdecl_static@
identifier X;
position p;
@@
static const struct movable_operations X@p;

@script:python@
X << opsdecl_static.X;
p << opsdecl_static.p;
@@
emit("opsdecl_static", p, obj=str(X))

@opsdecl_extern@
identifier X;
position p;
@@
extern const struct movable_operations X@p;

@script:python@
X << opsdecl_extern.X;
p << opsdecl_extern.p;
@@
emit("opsdecl_extern", p, obj=str(X))

@export@
declarer name EXPORT_SYMBOL, EXPORT_SYMBOL_GPL;
identifier X;
position p;
@@
(
EXPORT_SYMBOL@p(X);
|
EXPORT_SYMBOL_GPL@p(X);
)

@script:python@
X << export.X;
p << export.p;
@@
emit("export", p, obj=str(X))

// Init and exit paths of a user's file: where a user registers its ops
// with set_movable_ops() (and unregisters them), or an initcall may be
// added.
@initcall@
declarer name module_init, module_exit, core_initcall, postcore_initcall,
    arch_initcall, subsys_initcall, fs_initcall, device_initcall, late_initcall;
identifier f;
position p;
@@
(
module_init@p(f);
|
module_exit@p(f);
|
core_initcall@p(f);
|
postcore_initcall@p(f);
|
arch_initcall@p(f);
|
subsys_initcall@p(f);
|
fs_initcall@p(f);
|
device_initcall@p(f);
|
late_initcall@p(f);
)

@script:python@
f << initcall.f;
p << initcall.p;
@@
import linecache
text = linecache.getline(p[0].file, int(p[0].line))
m = re.match(r"\s*(\w+)\s*\(", text)
emit("initcall", p, macro=m.group(1) if m else "?", func=str(f))

// ---------------------------------------------------------------------------
// Page types, allocation and release: any one-argument call whose name looks
// like a page-type setter/clearer, an allocator or a release; the caller
// sorts them with the page types and helpers of the tree.

@typeop@
identifier f =~ "^(__SetPage|__ClearPage|SetPage|ClearPage|__folio_set_|__folio_clear_)";
expression P;
position p;
@@
f@p(P)

@script:python@
f << typeop.f;
P << typeop.P;
p << typeop.p;
@@
emit("typeop", p, func=str(f), page=str(P))

@anycall@
identifier f;
expression list args;
position p;
@@
f@p(args)

@script:python@
f << anycall.f;
args << anycall.args;
p << anycall.p;
@@
emit("call", p, func=str(f), args=str(args))

@returns@
expression E;
position p;
@@
return@p E;

@script:python@
E << returns.E;
p << returns.p;
@@
emit("return", p, expr=str(E))

@assign_call@
expression P;
identifier f;
position p;
@@
P = f@p(...)

@script:python@
P << assign_call.P;
f << assign_call.f;
p << assign_call.p;
@@
emit("assign_call", p, func=str(f), lhs=str(P))

@decl_call@
type T;
identifier v, f;
position p;
@@
T v = f@p(...);

@script:python@
v << decl_call.v;
f << decl_call.f;
p << decl_call.p;
@@
emit("assign_call", p, func=str(f), lhs=str(v))

@fndef@
identifier f;
type T;
parameter list ps;
position p;
@@
T f@p(ps) { ... }

@script:python@
f << fndef.f;
ps << fndef.ps;
p << fndef.p;
@@
emit("fndef", p, func=str(f), params=str(ps))

// ---------------------------------------------------------------------------
// The pointer decoding and its callers.

@decoding@
identifier f =~ "^(page|folio)_movable_ops$";
parameter p0;
position p;
@@
const struct movable_operations *f@p(p0) { ... }

@decoding_body@
identifier decoding.f;
identifier x;
expression E;
position q;
@@
f(...) { <... (const struct movable_operations *)((unsigned long)x->mapping@q - E) ...> }

@script:python@
f << decoding.f;
p << decoding.p;
q << decoding_body.q;
@@
emit("decoding", p, func=str(f))

@decoding_call@
identifier f =~ "^(page|folio)_movable_ops$";
expression P;
position p;
@@
f@p(P)

@script:python@
f << decoding_call.f;
P << decoding_call.P;
p << decoding_call.p;
@@
emit("decoding_call", p, func=str(f), arg=str(P))

// ---------------------------------------------------------------------------
// A dispatch the series already generated: its branches name the page type
// and the ops of each user, which a step run on its own (after the ops
// argument is gone) can no longer learn from the __SetPageMovable() calls.

@dispatch_branch@
identifier f =~ "^page_movable_ops$";
identifier test =~ "^Page[A-Z]", ops;
expression P;
position p;
@@
f(...) { <... if (test@p(P)) return &ops; ...> }

@script:python@
test << dispatch_branch.test;
ops << dispatch_branch.ops;
p << dispatch_branch.p;
@@
emit("dispatch_branch", p, test=str(test), ops=str(ops))

// A dispatch that returns what the users registered with set_movable_ops()
// (upstream since the fix of 84caf98838a3, or the series' registration
// step): each branch names the page type and the pointer registered for it.

@dispatch_registered@
identifier f =~ "^page_movable_ops$";
identifier test =~ "^Page[A-Z]", v;
expression P;
position p;
@@
f(...) { <... if (test@p(P)) return v; ...> }

@script:python@
test << dispatch_registered.test;
v << dispatch_registered.v;
p << dispatch_registered.p;
@@
if str(v) != "NULL":
    emit("dispatch_registered", p, test=str(test), var=str(v))
