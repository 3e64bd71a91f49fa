# SPDX-License-Identifier: GPL-2.0
"""What a build gives, typed: per object whether it built and its
diagnostics (the compiler's, objtool's, sparse's), per build the make
errors and how it was built.  Builder.build() returns it as the plain data
the store keeps (Cell.from_state() reads it back)."""
from dataclasses import dataclass, field

from . import diag

# The kinds of diagnostics an object carries: the compiler's, objtool's
# and sparse's (sparse only where it ran: the base and the tip).
KINDS = ("cc", "objtool", "sparse")


@dataclass
class Obj:
    """One object of one build."""
    ok: bool
    cc: list = field(default_factory=list)
    objtool: list = field(default_factory=list)
    sparse: list = field(default_factory=list)
    why: str = ""           # why it failed, when no compiler error says it
    rebuilt: bool = False

    @classmethod
    def from_json(cls, d):
        return cls(ok=d["ok"], cc=d.get("cc", []), objtool=d.get("objtool", []),
                   sparse=d.get("sparse", []), why=d.get("why", ""),
                   rebuilt=d.get("rebuilt", False))

    def to_json(self):
        return {"ok": self.ok, "cc": self.cc, "objtool": self.objtool, "sparse": self.sparse,
                "why": self.why, "rebuilt": self.rebuilt}

    def diagnostics(self, kinds):
        return [d for k in kinds for d in getattr(self, k)]

    def first_errors(self):
        errs = [d for d in self.cc if d["severity"] == "error"]
        if errs:
            return "; ".join(diag.fmt(d) for d in errs[:3])
        return self.why or "object not produced"


@dataclass
class Cell:
    """One commit built in one configuration."""
    objects: dict = field(default_factory=dict)     # object -> Obj
    make_errors: list = field(default_factory=list)
    rc: int = 0
    how: str = "make"           # or "direct, n rebuilt": Builder.build()
    why_make: str = ""
    skipped: dict = field(default_factory=dict)     # object -> why it is not built here

    @classmethod
    def from_state(cls, state, skipped=None):
        """From Builder.build()'s dict (also what the store holds)."""
        return cls(objects={o: Obj.from_json(e) for o, e in state["objects"].items()},
                   make_errors=list(state.get("make_errors", [])), rc=state.get("rc", 0),
                   how=state.get("how", "make"), why_make=state.get("why_make", ""),
                   skipped=dict(skipped if skipped is not None else state.get("skipped", {})))

    def built(self):
        return [o for o, e in self.objects.items() if e.ok]

    def failure(self):
        """What went wrong, in a few words; '' when nothing did."""
        if self.make_errors:
            return self.make_errors[0][:200]
        for o, e in sorted(self.objects.items()):
            if not e.ok:
                return f"{o} did not build ({e.first_errors()[:200]})"
        if self.rc != 0:
            return f"make exited {self.rc}"
        return ""

    def to_state(self):
        """The plain data Builder.build() returns and the store keeps."""
        return {"objects": {o: e.to_json() for o, e in self.objects.items()},
                "make_errors": self.make_errors, "rc": self.rc, "how": self.how,
                "why_make": self.why_make, "skipped": self.skipped}
