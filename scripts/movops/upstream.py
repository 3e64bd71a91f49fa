# SPDX-License-Identifier: GPL-2.0
"""The upstream commits of the movable_ops rework, as data.

One entry per commit: the 29 patches of David Hildenbrand's series as
merged for v6.17 (mm tree), upstream's fix of the CONFIG_ZSMALLOC=m
regression, and the two upstream commits the prerequisites stand for.
Each entry says what the commit changed (the files it touched, learnt
from the posted patches and torvalds/linux), how its change shows in a
tree's text (a Probe, judged by movops.presence), and why a backport of
the rework does not need it where this toolkit does without it.

Only facts go here: IDs and subjects as upstream has them.  An ID that
cannot be confirmed is None, never a guess; the stable form then says
so (movops.stable).

The table can be replaced for a test by MOVOPS_UPSTREAM_TABLE=FILE, a
JSON list of entries with the same fields (table_json() writes one):
a fixture repository cannot hold commits with upstream's IDs, so its
stand-ins for them are named there.
"""
import json
import os
import re
from dataclasses import asdict, dataclass, field
from typing import Optional

from core.errors import BadInput


@dataclass(frozen=True)
class Marker:
    """A regular expression (re.M) in one file, or only in the definition
    of the function WITHIN; WHAT says in words what a match shows."""
    file: str
    pattern: str
    what: str
    within: Optional[str] = None


@dataclass(frozen=True)
class Probe:
    """How a commit's change shows in a tree.  The change is present when
    every HAS marker matches and no LACKS marker does.  ANCHOR is the
    place the evidence points at when no marker matched there (the
    function the change is in); OLD the text of the tree before the
    change, cited when the change is missing.  NEEDS, when given, is the
    code the commit changes: a tree without it does not need the commit
    (NOT_NEEDED says why)."""
    has: tuple = ()
    lacks: tuple = ()
    anchor: Optional[Marker] = None
    old: Optional[Marker] = None
    needs: Optional[Marker] = None
    not_needed: str = ""


@dataclass(frozen=True)
class Upstream:
    """One upstream commit.  KEY names it inside the toolkit ('p19',
    'fix', 'drop-z3fold'); NUMBER is its position in the 29-patch series
    (None outside it); FILES what it touched upstream; NOT_REQUIRED why a
    backport of the rework stands without it (None where it is one the
    series makes)."""
    key: str
    sha: Optional[str]
    subject: str
    release: str
    number: Optional[int]
    files: tuple
    change: str
    probe: Probe
    not_required: Optional[str] = None
    fixes: Optional[str] = None       # the key of the commit it fixes
    unconfirmed: str = ""             # why SHA is None

    @property
    def short(self):
        return self.sha[:12] if self.sha else "(ID unconfirmed)"

    def ref(self):
        """'84caf98838a3 ("mm: stop storing ...")', as Fixes: lines cite."""
        return f'{self.short} ("{self.subject}")'


def _m(file, pattern, what, within=None):
    return Marker(file, pattern, what, within)


BC_H = "include/linux/balloon_compaction.h"
BC_C = "mm/balloon_compaction.c"
MIG_H = "include/linux/migrate.h"
MIG_C = "mm/migrate.c"
PF_H = "include/linux/page-flags.h"
ZS_C = "mm/zsmalloc.c"

_STICKY = ("the analysis requires every user to clear its page type where it "
           "un-marks the page (type and mark agree), so the dispatch never sees "
           "a movable page without its type")
_CLEARMOVABLE = ("the series keeps __ClearPageMovable() and the PAGE_MAPPING_MOVABLE "
                 "mark (an adaptation), which it still needs to un-mark pages")
_CLEANUP = "a cleanup; nothing in the series depends on it"
_FLAG = ("the series keeps the PAGE_MAPPING_MOVABLE mark in page->mapping on "
         "trees that still un-mark pages with __ClearPageMovable()")

# The rework, in upstream order.
SERIES = (
    Upstream(
        "p1", "fb05f992b6bbb4702307d96f00703ee637b24dbf",
        "mm/balloon_compaction: we cannot have isolated pages in the balloon list",
        "v6.17-rc1", 1, (BC_C,),
        "balloon_page_list_dequeue() no longer skips PageIsolated() pages",
        Probe(lacks=(_m(BC_C, r"PageIsolated\(", "checks PageIsolated()",
                        "balloon_page_list_dequeue"),),
              anchor=_m(BC_C, r"^size_t balloon_page_list_dequeue\(",
                        "balloon_page_list_dequeue() has no PageIsolated() check")),
        _CLEANUP),
    Upstream(
        "p2", "15504b1163007bbfbd9a63460d5c14737c16e96d",
        "mm/balloon_compaction: convert balloon_page_delete() to balloon_page_finalize()",
        "v6.17-rc1", 2,
        ("arch/powerpc/platforms/pseries/cmm.c", "drivers/misc/vmw_balloon.c",
         "drivers/virtio/virtio_balloon.c", BC_H, BC_C),
        "balloon_page_delete() becomes balloon_page_finalize(), called where the "
        "balloon reference is dropped",
        Probe(has=(_m(BC_H, r"^static inline void balloon_page_finalize\(",
                      "defines balloon_page_finalize()"),),
              old=_m(BC_H, r"^static inline void balloon_page_delete\(",
                     "defines balloon_page_delete()")),
        "the balloon users mark and un-mark their pages with the helpers this "
        "tree has, which the analysis checks"),
    Upstream(
        "p3", "e22a58a2143f86f55f8d44ccdcf4ed443dde18ad",
        "mm/zsmalloc: drop PageIsolated() related VM_BUG_ONs",
        "v6.17-rc1", 3, ("mm/zpdesc.h", ZS_C),
        "zsmalloc's movable_ops callbacks stop checking PageIsolated()",
        Probe(lacks=(_m(ZS_C, r"VM_BUG_ON_PAGE\(!?PageIsolated\(", "checks PageIsolated()"),
                     _m(ZS_C, r"zpdesc_is_isolated\(", "checks zpdesc_is_isolated()")),
              anchor=_m(ZS_C, r"^static void zs_page_putback\(",
                        "zs_page_putback() has no PageIsolated() check")),
        _CLEANUP),
    Upstream(
        "p4", "2dfcd1608f3a96364f10de7fcfe28727c0292e5d",
        "mm/page_alloc: let page freeing clear any set page type",
        "v6.17-rc1", 4, ("mm/page_alloc.c",),
        "free_pages_prepare() resets page->page_type of a typed page",
        Probe(has=(_m("mm/page_alloc.c", r"page->page_type = UINT_MAX",
                      "resets the page type when a page is freed", "free_pages_prepare"),),
              old=_m("mm/page_alloc.c", r"^(static )?(__always_)?inline bool free_pages_prepare\(",
                     "free_pages_prepare() leaves the page type to its user")),
        _STICKY),
    Upstream(
        "p5", "65aabd88dffda68639808e0827cfef624a1cd55f",
        "mm/balloon_compaction: make PageOffline sticky until the page is freed",
        "v6.17-rc1", 5, (BC_H,),
        "balloon_page_finalize() stops clearing PageOffline",
        Probe(lacks=(_m(BC_H, r"__ClearPageOffline\(", "clears PageOffline",
                        "balloon_page_finalize"),),
              anchor=_m(BC_H, r"^static inline void balloon_page_finalize\(",
                        "balloon_page_finalize() keeps PageOffline")),
        _STICKY),
    Upstream(
        "p6", "5ec3583309ef94fcceed6807aed93b50e801b84a",
        "mm/zsmalloc: make PageZsmalloc() sticky until the page is freed",
        "v6.17-rc1", 6, ("mm/zpdesc.h", ZS_C),
        "zsmalloc stops clearing PageZsmalloc before freeing a page",
        Probe(lacks=(_m(ZS_C, r"__ClearPageZsmalloc\(", "clears PageZsmalloc"),
                     _m(ZS_C, r"__zpdesc_clear_zsmalloc\(", "clears PageZsmalloc")),
              anchor=_m(ZS_C, r"^static void reset_(page|zpdesc)\(",
                        "zsmalloc keeps PageZsmalloc until the page is freed"),
              needs=_m(PF_H, r"^PAGE_TYPE_OPS\(Zsmalloc\b", "defines PageZsmalloc()"),
              not_needed="zsmalloc pages have no page type in this tree"),
        _STICKY),
    Upstream(
        "p7", "6ef0c1976b8fab938e732c2fb751fa8965153b2e",
        "mm/migrate: rename isolate_movable_page() to isolate_movable_ops_page()",
        "v6.17-rc1", 7, (MIG_H, "mm/compaction.c", MIG_C),
        "isolate_movable_page() is renamed isolate_movable_ops_page()",
        Probe(has=(_m(MIG_H, r"\bisolate_movable_ops_page\(", "declares isolate_movable_ops_page()"),),
              old=_m(MIG_H, r"\bisolate_movable_page\(", "declares isolate_movable_page()")),
        "a rename; the series changes neither function"),
    Upstream(
        "p8", "d808f1f672a17441f7ef0eff2f0f387d6267ed7c",
        "mm/migrate: rename putback_movable_folio() to putback_movable_ops_page()",
        "v6.17-rc1", 8, (MIG_C,),
        "putback_movable_folio() becomes putback_movable_ops_page() on a page",
        Probe(has=(_m(MIG_C, r"^static void putback_movable_ops_page\(",
                      "defines putback_movable_ops_page()"),),
              old=_m(MIG_C, r"^static void putback_movable_(folio|page)\(",
                     "defines the folio (or page) variant")),
        "a rename; the series converts the decoding wherever it is called"),
    Upstream(
        "p9", "b9ed00483d4cbacca04edb11984d8daf09e9ae22",
        "mm/migrate: factor out movable_ops page handling into migrate_movable_ops_page()",
        "v6.17-rc1", 9, (MIG_C,),
        "the migration of a movable_ops page moves into migrate_movable_ops_page()",
        Probe(has=(_m(MIG_C, r"^static int migrate_movable_ops_page\(",
                      "defines migrate_movable_ops_page()"),),
              old=_m(MIG_C, r"->migrate_page\(", "migrates movable_ops pages inline",
                     "move_to_new_folio")),
        "a refactoring; the series converts the decoding wherever it is called"),
    Upstream(
        "p10", "07e5355eeead3a715bb48ffe13499dd3d0178e52",
        "mm/migrate: remove folio_test_movable() and folio_movable_ops()",
        "v6.17-rc1", 10, (MIG_H,),
        "folio_test_movable() and folio_movable_ops() go (unused after patches 7-9)",
        Probe(lacks=(_m(MIG_H, r"folio_movable_ops\(", "defines folio_movable_ops()"),
                     _m(MIG_H, r"^static inline bool folio_test_movable\(",
                        "defines folio_test_movable()")),
              anchor=_m(MIG_H, r"page_movable_ops|__SetPageMovable",
                        "has neither folio_test_movable() nor folio_movable_ops()")),
        "folio_test_movable() keeps its callers in this tree, and the series routes "
        "folio_movable_ops()' callers (where there are any) through the page variant"),
    Upstream(
        "p11", "be4a3e9c185264e9ad0fe02c1c5d81b8386bd50c",
        "mm/migrate: move movable_ops page handling out of move_to_new_folio()",
        "v6.17-rc1", 11, (MIG_C,),
        "migrate_folio_move() handles movable_ops pages before move_to_new_folio()",
        Probe(has=(_m(MIG_C, r"migrate_movable_ops_page\(",
                      "handles movable_ops pages", "migrate_folio_move"),),
              old=_m(MIG_C, r"->migrate_page\(|__PageMovable\(|__folio_test_movable\(",
                     "handles movable_ops pages", "move_to_new_folio")),
        "a refactoring; the series converts the decoding wherever it is called"),
    Upstream(
        "p12", "a109262734c527296f0a945825f568c78dc804f2",
        "mm/zsmalloc: stop using __ClearPageMovable()",
        "v6.17-rc1", 12, (ZS_C,),
        "zsmalloc stops un-marking its pages",
        Probe(lacks=(_m(ZS_C, r"__ClearPageMovable\(", "un-marks pages"),),
              anchor=_m(ZS_C, r"^static void reset_(page|zpdesc)\(",
                        "zsmalloc does not un-mark its pages")),
        _CLEARMOVABLE),
    Upstream(
        "p13", "3544c4faccb8f0867bc65f8007ee70bfb5054305",
        "mm/balloon_compaction: stop using __ClearPageMovable()",
        "v6.17-rc1", 13, (BC_H,),
        "balloon compaction stops un-marking its pages",
        Probe(lacks=(_m(BC_H, r"__ClearPageMovable\(", "un-marks pages"),),
              anchor=_m(BC_H, r"^static inline void balloon_page_finalize\(",
                        "balloon compaction does not un-mark its pages")),
        _CLEARMOVABLE),
    Upstream(
        "p14", "34727dee04994c8ceb1bb8a927af0a88e52e103c",
        "mm/migrate: remove __ClearPageMovable()",
        "v6.17-rc1", 14, (MIG_H, "mm/compaction.c"),
        "__ClearPageMovable() goes",
        Probe(lacks=(_m(MIG_H, r"void __ClearPageMovable\(", "declares __ClearPageMovable()"),),
              anchor=_m(MIG_H, r"__SetPageMovable\(|page_movable_ops",
                        "has no __ClearPageMovable()")),
        _CLEARMOVABLE),
    Upstream(
        "p15", "22d103aef090dc688a88881fb955376dec1228d5",
        "mm/migration: remove PageMovable()",
        "v6.17-rc1", 15, (MIG_H, "mm/compaction.c", MIG_C),
        "PageMovable() goes",
        Probe(lacks=(_m(MIG_H, r"\bbool PageMovable\(", "declares PageMovable()"),),
              anchor=_m(MIG_H, r"__SetPageMovable\(|page_movable_ops",
                        "has no PageMovable()")),
        "PageMovable() keeps its meaning through the dispatch, because every user "
        "clears its page type together with the mark (an adaptation of the series)"),
    Upstream(
        "p16", "d4fb4587bd73b6b773397f5fed52a5e4bd4dec8b",
        "mm: rename __PageMovable() to page_has_movable_ops()",
        "v6.17-rc1", 16,
        (PF_H, MIG_H, "mm/compaction.c", "mm/memory-failure.c", "mm/memory_hotplug.c",
         MIG_C, "mm/page_alloc.c", "mm/page_isolation.c"),
        "__PageMovable() is renamed page_has_movable_ops()",
        Probe(has=(_m(PF_H, r"\bpage_has_movable_ops\(", "defines page_has_movable_ops()"),),
              old=_m(PF_H, r"\b__PageMovable\(", "defines __PageMovable()")),
        "a rename; the dispatch keeps this tree's sanity check with the old name"),
    Upstream(
        "p17", "9f56c08a89222ddee6d8d574d69cbd500405fb46",
        "mm/page_isolation: drop __folio_test_movable() check for large folios",
        "v6.17-rc1", 17, ("mm/page_isolation.c",),
        "has_unmovable_pages() stops testing large folios for movable_ops",
        Probe(lacks=(_m("mm/page_isolation.c", r"&& !(__folio_test_movable|__PageMovable)\(",
                        "tests large folios for movable_ops", "has_unmovable_pages"),),
              anchor=_m("mm/page_isolation.c", r"^static struct page \*has_unmovable_pages\(",
                        "has_unmovable_pages() does not test large folios for movable_ops")),
        _CLEANUP),
    Upstream(
        "p18", "457d7b3adb11576ce5f3ae0d9a4987ace213bed2",
        "mm: remove __folio_test_movable()",
        "v6.17-rc1", 18, (PF_H, MIG_C, "mm/util.c"),
        "__folio_test_movable() goes",
        Probe(lacks=(_m(PF_H, r"\b__folio_test_movable\(", "defines __folio_test_movable()"),),
              anchor=_m(PF_H, r"PAGE_TYPE_OPS|PAGE_MAPPING_|FOLIO_MAPPING_",
                        "has no __folio_test_movable()")),
        _FLAG),
    Upstream(
        "p19", "84caf98838a3e5f4bdb344c13679e1067ffbf094",
        "mm: stop storing migration_ops in page->mapping",
        "v6.17-rc1", 19,
        (BC_H, MIG_H, "include/linux/zsmalloc.h", BC_C, "mm/compaction.c", MIG_C,
         "mm/zpdesc.h", ZS_C),
        "__SetPageMovable() loses its ops argument; page_movable_ops() looks the ops "
        "up by page type",
        Probe(lacks=(_m(MIG_H, r"__SetPageMovable\(struct page \*\w+,",
                        "declares the two-argument __SetPageMovable()"),
                     _m(MIG_H, r"->mapping - PAGE_MAPPING_MOVABLE",
                        "decodes the ops pointer from page->mapping")),
              anchor=_m(MIG_C, r"page_movable_ops\(struct page \*page\)$",
                        "defines the dispatch by page type")),
        None),
    Upstream(
        "p20", "3d388584d59985e95f5bfb9dbd9776fa1bb1ec8a",
        "mm: convert \"movable\" flag in page->mapping to a page flag",
        "v6.17-rc1", 20, (PF_H, MIG_H, "mm/compaction.c", MIG_C, "mm/util.c", ZS_C),
        "the movable mark becomes the PG_movable_ops page flag",
        Probe(has=(_m(PF_H, r"\bPG_movable_ops\b", "defines PG_movable_ops"),),
              old=_m(PF_H, r"^#define PAGE_MAPPING_MOVABLE\b", "defines PAGE_MAPPING_MOVABLE")),
        _FLAG),
    Upstream(
        "p21", "92f091769fde42509ca7685e67c9951f2350ceb7",
        "mm: rename PG_isolated to PG_movable_ops_isolated",
        "v6.17-rc1", 21, (PF_H, MIG_C),
        "PG_isolated is renamed PG_movable_ops_isolated",
        Probe(has=(_m(PF_H, r"\bPG_movable_ops_isolated\b", "defines PG_movable_ops_isolated"),),
              old=_m(PF_H, r"\bPG_isolated\b", "defines PG_isolated")),
        "a rename; the series does not touch PG_isolated"),
    Upstream(
        "p22", "bd56d30242039826160d95a65cb14c1cd65e6488",
        "mm/page-flags: rename PAGE_MAPPING_MOVABLE to PAGE_MAPPING_ANON_KSM",
        "v6.17-rc1", 22, (PF_H, "include/linux/rmap.h", "mm/ksm.c", "mm/util.c"),
        "PAGE_MAPPING_MOVABLE is renamed PAGE_MAPPING_ANON_KSM",
        Probe(lacks=(_m(PF_H, r"^#define PAGE_MAPPING_MOVABLE\b", "defines PAGE_MAPPING_MOVABLE"),),
              anchor=_m(PF_H, r"_MAPPING_ANON_KSM\b|_MAPPING_ANON\b",
                        "has no PAGE_MAPPING_MOVABLE")),
        _FLAG),
    Upstream(
        "p23", "5799c0ed0aff65989b04ca3f517401e4ee94da10",
        "mm/page-alloc: remove PageMappingFlags()",
        "v6.17-rc1", 23, (PF_H, "mm/page_alloc.c"),
        "PageMappingFlags() goes",
        Probe(lacks=(_m(PF_H, r"\bPageMappingFlags\(", "defines PageMappingFlags()"),),
              anchor=_m(PF_H, r"_MAPPING_ANON\b", "has no PageMappingFlags()")),
        _FLAG),
    Upstream(
        "p24", "beb2cdeed673150cdfad653dd2e7c9999c230f57",
        "mm/page-flags: remove folio_mapping_flags()",
        "v6.17-rc1", 24, (PF_H,),
        "folio_mapping_flags() goes",
        Probe(lacks=(_m(PF_H, r"\bfolio_mapping_flags\(", "defines folio_mapping_flags()"),),
              anchor=_m(PF_H, r"_MAPPING_ANON\b", "has no folio_mapping_flags()")),
        _FLAG),
    Upstream(
        "p25", "78cb1a13c42a6d843e21389f74d1edb90ed07288",
        "mm: simplify folio_expected_ref_count()",
        "v6.17-rc1", 25, ("include/linux/mm.h",),
        "folio_expected_ref_count() refuses typed pages and stops testing "
        "PAGE_MAPPING_FLAGS",
        Probe(has=(_m("include/linux/mm.h",
                      r"WARN_ON_ONCE\(page_has_type\(&folio->page\) && !folio_test_hugetlb",
                      "refuses typed pages", "folio_expected_ref_count"),),
              lacks=(_m("include/linux/mm.h", r"PAGE_MAPPING_FLAGS",
                        "tests PAGE_MAPPING_FLAGS", "folio_expected_ref_count"),),
              anchor=_m("include/linux/mm.h", r"^static inline int folio_expected_ref_count\(",
                        "defines folio_expected_ref_count()"),
              needs=_m("include/linux/mm.h", r"^static inline int folio_expected_ref_count\(",
                       "defines folio_expected_ref_count()"),
              not_needed="this tree has no folio_expected_ref_count()"),
        _CLEANUP),
    Upstream(
        "p26", "df25569d401e36327b339c3f5b3265d74eae90f2",
        "mm: rename PAGE_MAPPING_* to FOLIO_MAPPING_*",
        "v6.17-rc1", 26, (PF_H,),
        "PAGE_MAPPING_* become FOLIO_MAPPING_*",
        Probe(has=(_m(PF_H, r"^#define FOLIO_MAPPING_ANON\b", "defines FOLIO_MAPPING_ANON"),),
              old=_m(PF_H, r"^#define PAGE_MAPPING_ANON\b", "defines PAGE_MAPPING_ANON")),
        "a rename; the series keeps this tree's names"),
    Upstream(
        "p27", "677e0e35d6cdd972cc6e5de65869fe698856267b",
        "docs/mm: convert from \"Non-LRU page migration\" to \"movable_ops page migration\"",
        "v6.17-rc1", 27, ("Documentation/mm/page_migration.rst",),
        "the page migration document describes movable_ops page migration",
        Probe(lacks=(_m("Documentation/mm/page_migration.rst", r"^Non-LRU page migration",
                        "has the section 'Non-LRU page migration'"),),
              anchor=_m("Documentation/mm/page_migration.rst", r"movable_ops",
                        "describes movable_ops page migration"),
              needs=_m("Documentation/mm/page_migration.rst", r"\S",
                       "is the page migration document"),
              not_needed="this tree has no Documentation/mm/page_migration.rst"),
        "documentation; the series changes no behaviour it describes"),
    Upstream(
        "p28", "f5e43012b86aa6a0b0ad5881cb68bfb872826c22",
        "mm/balloon_compaction: \"movable_ops\" doc updates",
        "v6.17-rc1", 28, (BC_H,),
        "the comment of balloon_compaction.h describes PG_movable_ops",
        Probe(has=(_m(BC_H, r"movable_ops page migration", "names movable_ops page migration"),),
              old=_m(BC_H, r"non-lru movable page", "describes non-lru movable pages")),
        "the comment describes the PG_movable_ops flag, which this tree does not have"),
    Upstream(
        "p29", "9640b17a89a86f40df47bfc831a8afeff0c7eabc",
        "mm/balloon_compaction: provide single balloon_page_insert() and "
        "balloon_mapping_gfp_mask()",
        "v6.17-rc1", 29, (BC_H,),
        "balloon_page_insert() and balloon_mapping_gfp_mask() are defined once, "
        "with IS_ENABLED(CONFIG_BALLOON_COMPACTION)",
        Probe(has=(_m(BC_H, r"IS_ENABLED\(CONFIG_BALLOON_COMPACTION\)",
                      "tests CONFIG_BALLOON_COMPACTION inside", "balloon_mapping_gfp_mask"),),
              old=_m(BC_H, r"^static inline gfp_t balloon_mapping_gfp_mask\(",
                     "defines balloon_mapping_gfp_mask() per configuration")),
        _CLEANUP),
    Upstream(
        "fix", "053c8ebe74f7e1f4c072e59428da80b9d78bc4b7",
        "mm/migrate: fix NULL movable_ops if CONFIG_ZSMALLOC=m",
        "v6.17-rc3", None, (MIG_H, BC_C, MIG_C, ZS_C),
        "set_movable_ops() registers the movable_ops per page type; the dispatch "
        "returns what was registered",
        Probe(has=(_m(MIG_C, r"\bset_movable_ops\(", "defines set_movable_ops()"),),
              old=_m(MIG_C, r"page_movable_ops\(struct page \*page\)$",
                     "defines the static dispatch")),
        "no user's movable_ops can be built as a module in this tree",
        fixes="p19"),
)

# What the prerequisites stand for.  58ba73e521b3 is the ID in mm-stable,
# which Andrew Morton sent to Linus for v6.15 (confirmed by the
# post-receive notices of sashal/linus-next and sj/linux that list it).
PREREQUISITES = (
    Upstream(
        "drop-z3fold", "58ba73e521b3d3a7a7612fc200beba1544a5100c",
        "mm: z3fold: remove z3fold", "v6.15-rc1", None,
        ("CREDITS", "Documentation/mm/index.rst", "Documentation/mm/z3fold.rst",
         "Documentation/translations/zh_CN/mm/index.rst",
         "Documentation/translations/zh_CN/mm/z3fold.rst", "MAINTAINERS", "mm/Kconfig",
         "mm/Makefile", "mm/z3fold.c"),
        "z3fold is removed",
        Probe(lacks=(_m("mm/Makefile", r"z3fold\.o", "builds z3fold"),),
              anchor=_m("mm/Makefile", r"zsmalloc\.o", "does not build z3fold")),
        "this tree has no z3fold"),
    Upstream(
        "zsmalloc-page-type", "43d746dc49bb4c82034fce01a92fe67344d664cf",
        "mm/zsmalloc: use a proper page type", "v6.11-rc1", None,
        ("drivers/block/zram/Kconfig", PF_H, "mm/Kconfig", ZS_C),
        "zsmalloc pages get the page type PageZsmalloc()",
        Probe(has=(_m(PF_H, r"^PAGE_TYPE_OPS\(Zsmalloc\b", "defines PageZsmalloc()"),),
              old=_m(ZS_C, r"page->page_type = offset",
                     "keeps the first object's offset in page->page_type")),
        "zsmalloc pages have a page type in this tree"),
)

# Which upstream commit each step of cocci/ (by name) carries, and what
# part of it where the step carries only a part.
STEP_UPSTREAM = {
    "folio-movable-ops-via-page": ("p10", "folio_movable_ops() goes: its callers use "
                                   "page_movable_ops(&folio->page) instead"),
    "movable-ops-dispatch": ("p19", None),
    "setpagemovable-drop-ops": ("p19", None),
    "movable-ops-registration": ("fix", None),
    "movable-ops-page-flag": ("p20", None),
    "balloon-compaction-doc": ("p28", None),
}


@dataclass
class Table:
    """The upstream commits the toolkit knows, in upstream order (the
    prerequisites first: they were merged before the rework)."""
    entries: list = field(default_factory=list)

    def get(self, key):
        return next((e for e in self.entries if e.key == key), None)

    def by_sha(self, sha):
        sha = sha.lower()
        return next((e for e in self.entries if e.sha and len(sha) >= 7
                     and e.sha.startswith(sha)), None)

    def order(self, key):
        return next(i for i, e in enumerate(self.entries) if e.key == key)


ENV = "MOVOPS_UPSTREAM_TABLE"


def _entry(d):
    p = d["probe"]
    marker = lambda x: Marker(**x) if x else None  # noqa: E731
    probe = Probe(has=tuple(marker(x) for x in p.get("has", ())),
                  lacks=tuple(marker(x) for x in p.get("lacks", ())),
                  anchor=marker(p.get("anchor")), old=marker(p.get("old")),
                  needs=marker(p.get("needs")), not_needed=p.get("not_needed", ""))
    return Upstream(**dict(d, files=tuple(d["files"]), probe=probe))


def table_json(entries):
    return json.dumps([asdict(e) for e in entries], indent=1)


def load():
    """The table: the built-in one, or MOVOPS_UPSTREAM_TABLE's."""
    path = os.environ.get(ENV)
    if not path:
        return Table(list(PREREQUISITES) + list(SERIES))
    try:
        return Table([_entry(d) for d in json.loads(open(path).read())])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise BadInput(f"{ENV}={path}: not a table of upstream commits ({e}); "
                       "unset it to use the built-in one") from None


SHA_RE = re.compile(r"^[0-9a-f]{40}$")
