# SPDX-License-Identifier: GPL-2.0
"""The kernel build engine: commit x configuration x target in, typed
results out, for verify, the runtime check and bench.

  targets.py   the build targets (architecture and compiler), one entry each
  build.py     Builder: configurations (derived from the target's defconfig,
               or the user's), 'make prepare', out-of-tree builds of single
               objects with every diagnostic kept per object, preprocessing
  replay.py    builds without make: kbuild's saved commands run again
  files.py     the compiler and sparse wrappers, what builds read of a tree
  results.py   Obj, Cell: what a build gives
  diag.py      compiler, sparse, objtool (and kernel-doc) diagnostics
  store.py     the result store and its one key scheme (the engine's code
               is in every key: core.fingerprint)
  image.py     whole images (and modules) for the runtime check's guests
  slots.py     the cores, shared between builds
  kconfigdiff.py, gitdiff.py   what a Kconfig diff, a git diff changes

Compilers run through distcc when DISTCC_HOSTS is set (build.distcc_hosts()).
It imports core and movops (Kconfig and Makefile reading), never verifier
or bootcheck, which import it.
"""
