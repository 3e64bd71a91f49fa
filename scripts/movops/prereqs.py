# SPDX-License-Identifier: GPL-2.0
"""Prerequisites a stable tree may need before the rework is sound.

Each one changes files as text (Kconfig, Makefiles and documentation are
not C, so they are not Coccinelle's) and becomes the first commit(s) of the
series.  They run only when asked for with --prereq NAME.
"""
import re
from pathlib import PurePosixPath

from .textedit import Mismatch, replace_once

ENTRY_RE = re.compile(r"^(menuconfig|config|choice|endchoice|comment|menu|endmenu|if|endif|source)\b")


class Prereq:
    name = None
    subject = None
    body = None
    # The description in the stable form (movops.stable), where the
    # commit names the upstream commit it stands for; None: BODY.
    stable_body = None

    def apply(self, tree):
        """({rel: new text}, [deleted rel], [notes]) for TREE; raises
        PrereqMismatch when TREE is not the shape the prerequisite knows."""
        raise NotImplementedError


# The tree differs from what a prerequisite edits: nothing is changed.
# The same exception as the steps' text edits, whose replace_once() the
# prerequisites use.
PrereqMismatch = Mismatch


def _kconfig_drop(text, dead):
    """Remove the entries of the symbols in DEAD and the lines that name
    them from a Kconfig file; returns the new text."""
    lines = text.splitlines(keepends=True)
    out = []
    i = 0
    while i < len(lines):
        m = re.match(r"(menuconfig|config)\s+(\w+)\s*$", lines[i])
        if m and m.group(2) in dead:
            j = i + 1
            while j < len(lines) and not ENTRY_RE.match(lines[j]):
                j += 1
            i = j
            continue
        line = lines[i]
        stripped = line.strip()
        names = set(re.findall(r"\b[A-Z0-9_]+\b", stripped))
        if names & dead and re.match(r"(default|select|imply|depends on)\b", stripped):
            i += 1
            continue
        out.append(line)
        i += 1
    return "".join(out)


class DropZ3fold(Prereq):
    name = "drop-z3fold"
    subject = "mm: remove z3fold"
    body = (
        "z3fold marks its pages movable but gives them no page type, so a\n"
        "dispatch of movable_ops by page type cannot serve it.  It was\n"
        "deprecated in v6.12 and has since been removed upstream (v6.15);\n"
        "remove it here the same way, so that the movable_ops rework can\n"
        "follow: its source, its Kconfig options and every reference to them,\n"
        "its Makefile line, its documentation and its MAINTAINERS entry.\n"
        "\n"
        "zsmalloc is the allocator to use instead; users of zswap's\n"
        "'zpool=z3fold' fall back to the default allocator.")

    def apply(self, tree):
        if not tree.exists("mm/z3fold.c"):
            return {}, [], ["mm/z3fold.c does not exist: nothing to remove"]
        mentions = tree.grep(r"(?i)z3fold")
        changes, deleted, notes = {}, [], []
        dead = set()
        for f in mentions:
            if "Kconfig" in PurePosixPath(f).name:
                dead |= {m.group(2) for m in re.finditer(
                    r"^(menuconfig|config)\s+(\w*Z3FOLD\w*)\s*$", tree.read(f), re.M)}
        for f in mentions:
            p = PurePosixPath(f)
            text = tree.read(f)
            if p.name.startswith("z3fold."):
                deleted.append(f)
                continue
            if "Kconfig" in p.name:
                new = _kconfig_drop(text, dead)
            elif p.name in ("Makefile", "Kbuild"):
                new = "".join(l for l in text.splitlines(keepends=True)
                              if not re.search(r"\bz3fold\.o\b", l))
            elif p.suffix == ".rst":
                # toctree entries naming the removed document
                new = "".join(l for l in text.splitlines(keepends=True)
                              if l.strip() != "z3fold")
            elif f == "MAINTAINERS":
                new = re.sub(r"^Z3FOLD[^\n]*\n(?:[A-Z]:[^\n]*\n)*\n", "", text, flags=re.M)
            else:
                new = text
            if re.search(r"(?i)z3fold", new):
                notes.append(f"{f} still mentions z3fold; review it")
            if new != text:
                changes[f] = new
        return changes, sorted(deleted), notes


class ZsmallocPageType(Prereq):
    """zsmalloc's pages get a page type of their own in the page-type scheme
    of trees before v6.10 (the types are cleared bits of page->page_type
    between the reserved low bits and PAGE_TYPE_BASE), as upstream did in
    'mm/zsmalloc: use a proper page type' for its later scheme.

    The edits are anchored on the exact text they replace: a tree whose
    text differs is refused with the file and the text that was expected,
    never patched by guess."""
    name = "zsmalloc-page-type"
    subject = "mm/zsmalloc: give zsmalloc pages a page type"
    body = (
        "zsmalloc marks its pages movable but gives them no page type, so a\n"
        "dispatch of movable_ops by page type cannot recognise them.  Give\n"
        "them one, as upstream did in 'mm/zsmalloc: use a proper page type'\n"
        "(v6.10), in this tree's page-type scheme: PG_zsmalloc is the next\n"
        "free type bit, 0x00000800.\n"
        "\n"
        "page->page_type held the offset of a zspage's first object in each\n"
        "of its pages; the offset moves to bits 12 to 27, between the type\n"
        "bits and PAGE_TYPE_BASE.  Sixteen bits hold offsets into pages of up\n"
        "to 64 KiB; a build with larger pages stops at a BUILD_BUG_ON() rather\n"
        "than mix offsets with type bits.\n"
        "\n"
        "The type is set on every page zsmalloc allocates and on the new page\n"
        "of a migration before it joins the zspage, and cleared when the page\n"
        "leaves zsmalloc: in reset_page(), together with the movable mark,\n"
        "and before a page of a zspage that could not be completed is freed.\n"
        "reset_page() restores the offset bits itself, so page->page_type is\n"
        "-1 again when the page is freed, and page_mapcount_reset() is no\n"
        "longer needed there.")

    # BODY dates upstream's commit v6.10; 43d746dc49bb is in v6.11-rc1.
    # BODY stays as it is, since the default series' goldens carry it; the
    # stable form, which names the commit, says it right.
    stable_body = (
        "zsmalloc marks its pages movable but gives them no page type, so a\n"
        "dispatch of movable_ops by page type cannot recognise them.  Give\n"
        "them one, as upstream's commit does, in this tree's page-type\n"
        "scheme: PG_zsmalloc is the next free type bit, 0x00000800."
        + body[body.index("\n\npage->page_type held"):])

    FLAGS = "include/linux/page-flags.h"
    ZS = "mm/zsmalloc.c"

    def apply(self, tree):
        for rel in (self.FLAGS, self.ZS):
            if not tree.exists(rel):
                return {}, [], [f"{rel} does not exist: nothing to do"]
        flags, zs = tree.read(self.FLAGS), tree.read(self.ZS)
        if re.search(r"\bPG(TY)?_zsmalloc\b", flags):
            return {}, [], [f"{self.FLAGS} already has a zsmalloc page type: nothing to do"]
        if "#define PAGE_TYPE_BASE\t0xf0000000" not in flags:
            raise PrereqMismatch(
                f"{self.FLAGS}: not the page-type scheme this prerequisite knows "
                "(types as cleared bits under PAGE_TYPE_BASE 0xf0000000, as in v6.1)")
        # The type bit must be free: nothing may use 0x800 already.
        if re.search(r"#define PG_\w+\s+0x0*800\b", flags):
            raise PrereqMismatch(f"{self.FLAGS}: page type bit 0x00000800 is taken")
        f = self.FLAGS
        flags = replace_once(flags, "#define PG_guard\t0x00000400\n",
                             "#define PG_guard\t0x00000400\n#define PG_zsmalloc\t0x00000800\n", f)
        flags = replace_once(flags, "PAGE_TYPE_OPS(Guard, guard)\n", (
            "PAGE_TYPE_OPS(Guard, guard)\n"
            "\n"
            "/*\n"
            " * Marks the pages of a zsmalloc zspage.  zsmalloc keeps data of its own\n"
            " * in bits 12 to 27 of their page_type (see mm/zsmalloc.c).\n"
            " */\n"
            "PAGE_TYPE_OPS(Zsmalloc, zsmalloc)\n"), f)

        z = self.ZS
        zs = replace_once(zs, " *\tpage->page_type: first object offset in a subpage of zspage\n", (
            " *\tpage->page_type: PageZsmalloc(); bits 12 to 27 hold the offset of\n"
            " *\t\tthe first object in a subpage of zspage\n"), z)
        zs = replace_once(zs, (
            "static inline unsigned int get_first_obj_offset(struct page *page)\n"
            "{\n"
            "\treturn page->page_type;\n"
            "}\n"
            "\n"
            "static inline void set_first_obj_offset(struct page *page, unsigned int offset)\n"
            "{\n"
            "\tpage->page_type = offset;\n"
            "}\n"), (
            "/*\n"
            " * The page type takes the low twelve bits and PAGE_TYPE_BASE the top four\n"
            " * of page->page_type: the offset lives in the sixteen bits between.\n"
            " */\n"
            "#define FIRST_OBJ_PAGE_TYPE_SHIFT\t12\n"
            "#define FIRST_OBJ_PAGE_TYPE_MASK\t(0xffffU << FIRST_OBJ_PAGE_TYPE_SHIFT)\n"
            "\n"
            "static inline unsigned int get_first_obj_offset(struct page *page)\n"
            "{\n"
            "\tVM_WARN_ON_ONCE(!PageZsmalloc(page));\n"
            "\treturn (page->page_type & FIRST_OBJ_PAGE_TYPE_MASK) >> FIRST_OBJ_PAGE_TYPE_SHIFT;\n"
            "}\n"
            "\n"
            "static inline void set_first_obj_offset(struct page *page, unsigned int offset)\n"
            "{\n"
            "\t/* Sixteen bits hold offsets into pages of up to 64 KiB. */\n"
            "\tBUILD_BUG_ON(PAGE_SIZE > SZ_64K);\n"
            "\tVM_WARN_ON_ONCE(!PageZsmalloc(page));\n"
            "\tVM_WARN_ON_ONCE(offset >= PAGE_SIZE);\n"
            "\tpage->page_type &= ~FIRST_OBJ_PAGE_TYPE_MASK;\n"
            "\tpage->page_type |= (offset << FIRST_OBJ_PAGE_TYPE_SHIFT) & FIRST_OBJ_PAGE_TYPE_MASK;\n"
            "}\n"
            "\n"
            "/* Gives the offset bits back their free state, as __ClearPageZsmalloc() the type bit. */\n"
            "static inline void reset_first_obj_offset(struct page *page)\n"
            "{\n"
            "\tVM_WARN_ON_ONCE(!PageZsmalloc(page));\n"
            "\tpage->page_type |= FIRST_OBJ_PAGE_TYPE_MASK;\n"
            "}\n"), z)
        zs = replace_once(zs, (
            "\tset_page_private(page, 0);\n"
            "\tpage_mapcount_reset(page);\n"
            "\tpage->index = 0;\n"
            "}\n"), (
            "\tset_page_private(page, 0);\n"
            "\tpage->index = 0;\n"
            "\treset_first_obj_offset(page);\n"
            "\t__ClearPageZsmalloc(page);\n"
            "}\n"), z)
        zs = replace_once(zs, (
            "\t\t\t\tdec_zone_page_state(pages[i], NR_ZSPAGES);\n"
            "\t\t\t\t__free_page(pages[i]);\n"), (
            "\t\t\t\tdec_zone_page_state(pages[i], NR_ZSPAGES);\n"
            "\t\t\t\t__ClearPageZsmalloc(pages[i]);\n"
            "\t\t\t\t__free_page(pages[i]);\n"), z)
        zs = replace_once(zs, (
            "\t\t\treturn NULL;\n"
            "\t\t}\n"
            "\n"
            "\t\tinc_zone_page_state(page, NR_ZSPAGES);\n"), (
            "\t\t\treturn NULL;\n"
            "\t\t}\n"
            "\t\t__SetPageZsmalloc(page);\n"
            "\n"
            "\t\tinc_zone_page_state(page, NR_ZSPAGES);\n"), z)
        zs = replace_once(zs, (
            "\tVM_BUG_ON_PAGE(!PageMovable(page), page);\n"
            "\tVM_BUG_ON_PAGE(!PageIsolated(page), page);\n"
            "\n"
            "\t/* The page is locked, so this pointer must remain valid */\n"), (
            "\tVM_BUG_ON_PAGE(!PageMovable(page), page);\n"
            "\tVM_BUG_ON_PAGE(!PageIsolated(page), page);\n"
            "\n"
            "\t/* Committed to the migration: newpage becomes a zsmalloc page. */\n"
            "\t__SetPageZsmalloc(newpage);\n"
            "\n"
            "\t/* The page is locked, so this pointer must remain valid */\n"), z)
        notes = []
        if "page_mapcount_reset" in zs:
            notes.append(f"{z} still calls page_mapcount_reset(); review it")
        if re.search(r"page->page_type\s*=[^=]", zs):
            notes.append(f"{z} still assigns page->page_type; review it")
        return {f: flags, z: zs}, [], notes


PREREQS = {p.name: p for p in (DropZ3fold(), ZsmallocPageType())}
