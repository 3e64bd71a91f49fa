// SPDX-License-Identifier: GPL-2.0-only
/// mm/migrate: look up the movable_ops that users register by page type
///
/// The dispatch by page type names each user's movable_operations object
/// under the user's own options.  That only works for objects linked into
/// the kernel: when a user is built as a module (CONFIG_ZSMALLOC=m),
/// defined(CONFIG_ZSMALLOC) is false, the dispatch has no branch for it,
/// and its pages, although still marked movable, get no movable_ops, so
/// compaction stops migrating them.
///
/// Let users register their movable_ops instead: set_movable_ops() stores
/// one pointer per page type, and page_movable_ops() returns the one
/// registered for the page's type.  Each user registers from its init path
/// (module_init(), or an initcall for code that is always built in), under
/// the options that build its ops, and a module unregisters from its exit
/// path.  In an init function the registration comes first, before
/// anything else the function does, so that its failure (-EBUSY) has
/// nothing to undo; every failure after it unregisters again, through the
/// function's error labels or before its failure returns, so that a module
/// that fails to load leaves no pointer into its unloaded code behind.  An
/// ops object that is now named in its own file only is static again, and
/// its extern declarations go.
///
// Confidence: High
// Copyright: (C) 2026 The movops authors.
// Comments: Added to the series where some user's ops object can be built
//  into a module (a tristate option builds its file); the analysis says
//  which and why.  Giving the ops objects back their 'static' is the SmPL
//  part; the rest is inserted text computed from the plan
//  (scripts/movops/registration.py): the declaration and stub in an
//  #ifdef/#else block of include/linux/migrate.h, set_movable_ops() and its
//  table before the dispatch, #ifdef'd statements first in init functions
//  (placed, and unwound on their failure paths, as scripts/movops/initpath.py
//  decides from the function's text) and at the end of exit functions, and
//  the removal of the #include lines the dispatch
//  step added and of the extern declarations of objects now named in
//  their own files only.  Run on its own, after the dispatch step, it
//  needs the analysis of the tree before that step (MOVOPS_PLAN): the
//  includes that step added cannot be told from the tree.
// Options: --include-headers --no-includes

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(cocci.cocci_file)), "..", "scripts"))
from movops import stepenv, textedit, registration

plan = stepenv.load_plan()
mode = "patch"
reg = plan.registration
text = registration.step(plan)
restore = set() if text.skip else {e.ops for e in reg.entries if e.restore_static}

def gets_static(name):
    return name in restore

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

// Every rule names movable_operations, so spatch only reads the files that
// do.

@visible@
identifier X : script:python() { gets_static(X) };
position p;
@@
const struct movable_operations X@p = { ... };

@depends on patch@
identifier visible.X;
position visible.p;
@@
+ static
  const struct movable_operations X@p = { ... };

@script:python depends on report@
X << visible.X;
p << visible.p;
@@
coccilib.report.print_report(p[0], f"{X} is named only in its own file once it is "
                             "registered: make it static again")

@script:python depends on org@
X << visible.X;
p << visible.p;
@@
coccilib.org.print_todo(p[0], f"{X} can be static again")

@depends on context@
identifier visible.X;
position visible.p;
@@
* const struct movable_operations X@p = { ... };

// The text edits go out after spatch's own output (textedit.py says how).
@finalize:python@
@@
textedit.finish(text, mode)
