# SPDX-License-Identifier: GPL-2.0
"""configs: every planned configuration (verifier/configs.py) could be made,
with the options the affected objects need, and one of them has the stub
dispatch's option off."""
from .. import configs as cf
from ..report import CheckResult


def check(cfgs, objects, reasons, plan_notes, obj_opts):
    """CFGS: the derived configurations (builder.Config); OBJECTS and
    REASONS: the affected objects and why each is; OBJ_OPTS: the options
    the objects' build depends on (one of them that cannot be set fails)."""
    r = CheckResult("configs")
    data = []
    for cfg in cfgs:
        p = cfg.plan
        entry = {"name": cfg.name, "build_dir": str(cfg.bdir), "enable": p.enable,
                 "disable": p.disable, "failed": cfg.failed, "dropped": p.dropped,
                 "fingerprint": cfg.fingerprint, "error": cfg.error}
        data.append(entry)
        if cfg.error:
            r.fail(f"{cfg.name}: could not make the configuration: {cfg.error}")
            continue
        on = " ".join(cf._short(o) for o in p.enable)
        off = " ".join(cf._short(o) for o in p.disable)
        if p.text:
            mods = sum(1 for x in cfg.values.values() if x == "m")
            r.details.append(f"{cfg.name}: {p.source}, olddefconfig -[{off}] "
                             f"({mods} options =m) in {cfg.bdir}")
        else:
            r.details.append(f"{cfg.name}: {getattr(cfg.target, 'defconfig', 'defconfig')} "
                             f"+[{on}] -[{off}] in {cfg.bdir}")
        for o in cfg.failed:
            why = "; ".join(p.why.get(o, [])) or "turned off"
            if o in obj_opts or o in p.disable:
                r.fail(f"{cfg.name}: {o} could not be set ({why})")
            else:
                r.details.append(f"{cfg.name}: note: {o} could not be set ({why})")
        for o, why in sorted(p.dropped.items()):
            r.details.append(f"{cfg.name}: note: {o} not used: {why}")
    for n in plan_notes:
        r.details.append(f"note: {n}")
    r.count = len([c for c in cfgs if not c.error])
    r.data = {"configs": data, "objects": {o: reasons[o] for o in objects}}
    stub = [c for c in cfgs if cf.STUB_OFF in c.plan.disable]
    if not stub or any(c.values.get(cf.STUB_OFF) not in (None, "n") for c in stub):
        r.fail(f"no configuration with {cf.STUB_OFF} off could be made")
    built = sum(1 for c in cfgs if not c.error)
    # A W=1 twin of the user's is counted with the user's.
    users = sum(1 for c in cfgs if not c.error and c.plan.text)
    r.summary = (f"{built - users} configurations from defconfig"
                 + (f" and {users} of the user's" if users else "")
                 + f", {len(objects)} affected objects")
    return r
