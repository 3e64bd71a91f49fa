# SPDX-License-Identifier: GPL-2.0
"""Running commands and git: one function each, one error (CommandError)."""
import os
import subprocess

from .errors import CommandError


def run(argv, cwd=None, env=None, input=None, check=False, timeout=None,
        text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, what=None):
    """Run ARGV (a list; its items are made strings) and return the
    CompletedProcess, output captured as text (undecodable bytes kept as
    surrogates) unless TEXT is false.  With CHECK, a failure status raises
    CommandError; running out of TIMEOUT always does."""
    argv = [str(a) for a in argv]
    if text and isinstance(input, bytes):
        text = False
    elif not text and isinstance(input, str):
        input = input.encode("utf-8", "surrogateescape")
    try:
        res = subprocess.run(argv, cwd=cwd, env=env, input=input, timeout=timeout,
                             stdout=stdout, stderr=stderr,
                             **({"text": True, "errors": "surrogateescape"} if text else {}))
    except subprocess.TimeoutExpired:
        raise CommandError(argv, None, f"no result after {timeout} s", what=what)
    if check and res.returncode != 0:
        err = res.stderr if isinstance(res.stderr, str) else (res.stderr or b"").decode(
            "utf-8", "replace")
        out = res.stdout if isinstance(res.stdout, str) else ""
        raise CommandError(argv, res.returncode, err or out or "", what=what)
    return res


def git(repo, *args, check=True, input=None, env=None, timeout=None, text=True,
        full=False):
    """'git -C REPO ARGS': its standard output, or with FULL the whole
    CompletedProcess.  A failure raises CommandError when CHECK."""
    res = run(["git", "-C", repo, *args], env=env, input=input, check=check,
              timeout=timeout, text=text,
              what="git " + " ".join(str(a) for a in args[:4]) + f" in {repo}")
    return res if full else res.stdout


# Prefix of the commands that run beside the main work (checkpatch, the
# old-API spatch of verify): they are not on the way to the result, so they
# take the cores the main work leaves idle instead of slowing it.
BACKGROUND = ["nice", "-n", "19"]


def c_env():
    """Environment for tools whose messages are parsed: English, no colour."""
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    for k in ("LANG", "LANGUAGE", "GCC_COLORS"):
        env.pop(k, None)
    return env
