// SPDX-License-Identifier: GPL-2.0
/// Find what the movable_ops rework removes: __SetPageMovable() with an ops
/// argument (calls, prototypes, definitions and stubs), and code that stores
/// a struct movable_operations pointer in page->mapping or decodes one from
/// it.  A tree on which the series is complete has none of these.
///
// Confidence: High
// Comments: used by scripts/verify.py (check "old-api-gone")
// Options: --include-headers --use-gitgrep

virtual report

@call2 depends on report@
expression E1, E2;
position p;
@@

__SetPageMovable@p(E1, E2)

@decl2 depends on report@
type T, T1, T2;
identifier P1, P2;
position p;
@@

T __SetPageMovable@p(T1 P1, T2 P2);

@def2 depends on report@
type T, T1, T2;
identifier P1, P2;
position p;
@@

T __SetPageMovable@p(T1 P1, T2 P2) { ... }

@decode depends on report@
expression E, X;
position p;
@@

(
 (const struct movable_operations *)@p(<+... E->mapping ...+>)
|
 (struct movable_operations *)@p(<+... E->mapping ...+>)
|
 (unsigned long)E->mapping@p - PAGE_MAPPING_MOVABLE
|
 (unsigned long)E->mapping@p & ~PAGE_MAPPING_MOVABLE
)

@encode depends on report@
{const struct movable_operations *, struct movable_operations *} M;
position p;
@@

(
 (unsigned long)M@p | PAGE_MAPPING_MOVABLE
|
 (unsigned long)M@p + PAGE_MAPPING_MOVABLE
)

@script:python depends on report@
p << call2.p;
@@
coccilib.report.print_report(p[0], "movops-old-api: __SetPageMovable() called with two arguments")

@script:python depends on report@
p << decl2.p;
@@
coccilib.report.print_report(p[0], "movops-old-api: __SetPageMovable() declared with an ops parameter")

@script:python depends on report@
p << def2.p;
@@
coccilib.report.print_report(p[0], "movops-old-api: __SetPageMovable() defined with an ops parameter")

@script:python depends on report@
p << decode.p;
@@
coccilib.report.print_report(p[0], "movops-old-api: movable_operations pointer decoded from ->mapping")

@script:python depends on report@
p << encode.p;
@@
coccilib.report.print_report(p[0], "movops-old-api: movable_operations pointer encoded into ->mapping")
