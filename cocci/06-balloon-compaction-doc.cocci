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
//  reported and left alone.  Comments are not Coccinelle's to edit: the
//  change is a text edit (scripts/movops/docstep.py).
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
from movops import stepenv, textedit, docstep

edits, messages, skip = {}, [], None
if textedit.read(docstep.HEADER) is None:
    skip = f"{docstep.HEADER} does not exist"
elif not docstep.has_flag():
    skip = ("the tree has no PG_movable_ops flag (include/linux/page-flags.h), and the "
            "new comment describes it; the comment stays as it is")
else:
    try:
        edits, messages = docstep.edits()
    except textedit.Mismatch as e:
        skip = str(e) + "; nothing changed"
if skip:
    print(f"movops: balloon-compaction-doc: skipped: {skip}", file=sys.stderr)

// spatch runs a semantic patch only if some rule can transform code; the
// change of this step is the text edit made in the finalize rule, so the
// one transformation rule below names a function no tree has (which also
// tells spatch's file prefilter to read no file).
@@
@@
- __movops_balloon_compaction_doc_has_no_smpl_change();

@finalize:python@
@@
mode = next((m for m in ("patch", "report", "context", "org")
             if m in stepenv._spatch_args()), "patch")
textedit.finish(edits, mode, messages)
