// SPDX-License-Identifier: GPL-2.0-only
/// mm: let folio_movable_ops() callers use page_movable_ops()
///
/// folio_movable_ops() decodes the movable_operations pointer stored in
/// folio->mapping, exactly as page_movable_ops() does for a page.  Before
/// the pointer stops being stored, route its callers through the page
/// variant on the folio's page, and remove the folio variant, so that the
/// next step has one function to replace.
///
/// No functional change.
///
// Confidence: High
// Copyright: (C) 2026 The movops authors.
// Options: --include-headers --no-includes

virtual patch
virtual context
virtual org
virtual report

// The folio variant that decodes folio->mapping (and only that one).
@decoding@
identifier folio;
position p;
@@
const struct movable_operations *folio_movable_ops@p(struct folio *folio)
{
  ...
  return (const struct movable_operations *)
		((unsigned long)folio->mapping - PAGE_MAPPING_MOVABLE);
}

@depends on patch@
position decoding.p;
identifier folio;
@@
- const struct movable_operations *folio_movable_ops@p(struct folio *folio)
- { ... }

@call@
expression F;
position p;
@@
folio_movable_ops@p(F)

@depends on patch@
expression call.F;
position call.p;
@@
- folio_movable_ops@p(F)
+ page_movable_ops(&F->page)

@depends on context@
expression call.F;
position call.p;
@@
* folio_movable_ops@p(F)

@script:python depends on report@
p << call.p;
@@
coccilib.report.print_report(p[0], "folio_movable_ops() call: use page_movable_ops(&folio->page)")

@script:python depends on report@
p << decoding.p;
@@
coccilib.report.print_report(p[0], "folio_movable_ops() decodes folio->mapping; page_movable_ops() can serve its callers")

@script:python depends on org@
p << call.p;
@@
coccilib.org.print_todo(p[0], "folio_movable_ops() call")

@script:python depends on org@
p << decoding.p;
@@
coccilib.org.print_todo(p[0], "folio_movable_ops() definition")
