// SPDX-License-Identifier: GPL-2.0-only
/// mm/balloon_compaction: bring the movable_ops documentation up to date
///
/// The comment at the top of balloon_compaction.h still says that
/// page->mapping references the operations for page isolation and
/// migration, and that it is updated under the page lock.  Balloon pages
/// now have movable_ops because of their page type (PageOffline()) and the
/// PG_movable_ops flag; say so, and describe the lock order for setting the
/// flag and page->private.
///
// Confidence: High
// Copyright: (C) 2026 The movops authors.
// Comments: Only where the tree has PG_movable_ops: elsewhere the new text
//  would describe a flag the tree does not have, so the step says it is
//  skipped and why.  A comment that differs from the expected one is
//  reported and left alone.  Comments are not Coccinelle's to edit: this
//  is a text step (the 'Step:' line below), made by
//  scripts/movops/docstep.py; apply-series.sh runs it without spatch.
//  Through spatch (coccicheck), the one rule finds the structure the
//  comment documents, and the edit of its header is handed over there.
// Step: text movops.docstep
// Options: --include-headers --no-includes

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(cocci.cocci_file)), "..", "scripts"))
from movops import stepenv, textedit

mode = "patch"
text = textedit.run_text_step(cocci.cocci_file)

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

// spatch reads only the files that name the structure.
@documented@
position p;
@@
struct balloon_dev_info@p { ... };

@script:python@
p << documented.p;
@@
textedit.finish(text, mode, only=stepenv.relpath(p[0].file))
