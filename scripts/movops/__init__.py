# SPDX-License-Identifier: GPL-2.0
"""movops: the movable_ops rework applied to a kernel tree as a commit
series (apply-series.sh runs series.py).

The analysis (what the tree is, whether the rework is sound on it):
  analysis.py     analyze(tree): facts, passes, parse-failure checks -> plan.Plan
  facts.py        runs cocci/analysis/movable-ops-facts.cocci and spatch --parse-ch
  factset.py      those facts as dataclasses (FactSet), with call/definition lookups
  passes/         the analysis' passes, one module each, and their pipeline
  parsefail.py    what spatch could not parse, from 'spatch --parse-ch'
  invariants.py   what the conclusions rest on, checked against parse failures
  kbuild.py       Kbuild and Kconfig: under which options code is built
  kexpr.py        #if and Kconfig conditions as values under a configuration
  plan.py         the plan: the analysis' result as versioned types (JSON)
  report.py       the analysis for people (analysis.txt)
  tree.py         read-only views of a tree: a directory or a git revision
  csource.py      C source as text: functions, lines, comments

The series (the steps of cocci/ and their text edits):
  series.py       apply-series: the command, the steps, the commits, the branch
  stepenv.py      what a step's SmPL needs to know about the whole tree
  generate.py     text the steps insert, built from the plan
  dispatchtext.py the dispatch step's declarations and #include lines
  registration.py the registration step's text
  initpath.py     where an init function registers, and how it unwinds
  pageflag.py     the page-flag step's text edits
  docstep.py      the balloon-compaction-doc step (comments)
  textedit.py     edits Coccinelle cannot make: comments, #ifdef blocks
  prereqs.py      prerequisites of older trees (--prereq)
  tipcheck.py     the series' own check of its tip
  trailer.py      the trailer of a generated commit
  gitobjects.py   commits built beside a repository, published in one step

The stable form (--stable: one commit per upstream commit):
  stable.py       the stable form's commits and report
  backport.py     what each commit backports, and its message
  upstream.py     the upstream commits of the rework, as data
  upstreamgit.py  what the tree's repository knows of them (git only)
  presence.py     which of them a tree has (the "upstream commits present" pass)
"""
