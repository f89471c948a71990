"""Serve the lessons as apps (Voila) to a class: ``make app`` runs this.

What plain ``voila lessons`` lacks for a room full of learners, and what this adds:

* **Closing a page frees its kernel.** Voila's page asks ``/voila/api/shutdown``
  to stop its kernel when the tab closes, sending the ``_xsrf`` cookie as the
  form's check, but Voila's page never sets that cookie, so the request got a
  403 and the kernel stayed. :class:`ClassroomIdentityProvider` sets the cookie
  on every page a learner opens (tornado's own ``xsrf_token``), and the request
  is then accepted as Voila means it to be.
* **Idle kernels are culled**: a kernel whose page is gone (a browser that
  crashed, a laptop lid closed) and that has been idle for ``--cull-after``
  seconds is stopped (jupyter_server's culling, ``cull_connected`` off: a kernel
  with an open page is never culled).
* **A cap on live kernels.** :class:`ClassroomKernelManager` refuses to start a
  kernel past ``--max-kernels`` (default: the class size plus the pre-heated
  pool); the learner sees the course template's ``503.html``, "The class is
  full, try again in a minute", which reloads itself after a minute.
* **Pre-heated kernels** for the lesson of the day (Voila's ``preheat_kernel``,
  ``kernel_pools_config``): ``--lesson 04 --class-size 30`` keeps a pool of
  kernels that have already run the lesson, refilled as learners take them.
* **A token beyond 127.0.0.1.** ``--ip 0.0.0.0`` (the classroom network) needs a
  token: one is made unless ``--token`` gives one, and the address to hand out
  (with the token) is printed. On 127.0.0.1 no token is asked, as before.
* **No tracebacks for learners** (voila.json: ``show_tracebacks`` false and a
  plain message in place of Voila's advice to developers).

Usage::

    python tools/voila_class.py                                  # this computer only
    python tools/voila_class.py --ip 0.0.0.0 --class-size 30 --lesson 04
    make app CLASS_SIZE=30 LESSON=04 APP_IP=0.0.0.0              # the same
"""

from __future__ import annotations

import argparse
import math
import secrets
import socket
import sys
from pathlib import Path

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer
from voila.handler import VoilaHandler
from voila.voila_identity_provider import VoilaIdentityProvider

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import links  # noqa: E402

CLASS_FULL = "The class is full, try again in a minute."
#: Seconds a kernel with no page open may stay idle before it is stopped.
CULL_AFTER = 600
LOCAL = ("127.0.0.1", "localhost", "::1")
#: Seconds before a pre-heated kernel that was taken is replaced.
REFILL_DELAY = 30


class ClassFull(web.HTTPError):
    """No kernel can start: the live kernels are at the cap."""

    def __init__(self) -> None:
        super().__init__(503, reason="The class is full")


class ClassroomKernelManager(AsyncMappingKernelManager):
    """Voila's kernel manager with a cap on the number of live kernels (pool included)."""

    max_kernels = Integer(
        0, config=True, help="Most kernels alive at once (0: no cap); past it: 503, class full."
    )

    def full(self) -> bool:
        return bool(self.max_kernels) and len(self.list_kernel_ids()) >= self.max_kernels

    async def start_kernel(self, *args, **kwargs):
        if self.full():
            self.log.warning("Class full: %d kernels alive, the cap", self.max_kernels)
            raise ClassFull()
        return await super().start_kernel(*args, **kwargs)

    def admit(self, notebook: str) -> None:
        """Before a learner's page: ``ClassFull`` if no kernel can be had for ``notebook``.

        A pre-heated kernel ready for the lesson is always handed out (it is alive
        already). A refill of the pool that the cap refused is dropped from the pool,
        so no learner is handed a failed kernel, and the pool is topped up again
        once there is room. (Voila 0.5 keeps its pools in ``_pools``; pinned.)"""
        pools = getattr(self, "_pools", None)
        pool = pools.get(notebook) if pools else None
        if pool is not None:
            for task in list(pool):
                if task.done() and (task.cancelled() or task.exception() is not None):
                    pool.remove(task)
            if not self.full() and hasattr(self, "fill_if_needed"):
                self.fill_if_needed(notebook_name=notebook)
            if pool:
                return
        if self.full():
            raise ClassFull()


class ClassroomIdentityProvider(VoilaIdentityProvider):
    """Voila's identity provider, plus two things done for every page a learner opens:
    the ``_xsrf`` cookie is set, so that the page's "free my kernel" request on closing
    passes the XSRF check; and past the cap the learner gets "the class is full"."""

    async def get_user(self, handler: web.RequestHandler):
        user = await ensure_async(super().get_user(handler))
        if handler.request.method == "GET":
            # what jupyter_server's prepare() does with the answer, done first: the cookie
            # and the error page both read the handler's current user
            handler.current_user = user
            handler.xsrf_token  # noqa: B018  (tornado sets the cookie when it is first read)
            manager = getattr(handler, "kernel_manager", None)
            if isinstance(handler, VoilaHandler) and isinstance(manager, ClassroomKernelManager):
                if user is not None and handler.path_args:
                    manager.admit(handler.path_args[0])
        return user


def pool_size_for(class_size: int) -> int:
    """Kernels to pre-heat for a class: a third of the class, at most 10.

    A pool kernel has run the lesson before anyone asks, so the first learners get
    their page at once; each one taken is replaced at once. On 2 cores a kernel
    takes about 2 s to run a lesson, so a pool of a third of the class covers the
    first burst while the rest of the class is served from the refill."""
    if not 1 <= class_size <= 500:
        raise ValueError(f"class_size must be between 1 and 500; got {class_size}")
    return min(10, max(1, math.ceil(class_size / 3)))


def voila_argv(
    *,
    ip: str = "127.0.0.1",
    port: int = 8866,
    class_size: int = 1,
    lesson: str | None = None,
    pool: int | None = None,
    max_kernels: int | None = None,
    token: str | None = None,
    cull_after: int = CULL_AFTER,
    root: Path = ROOT,
) -> tuple[list[str], str | None]:
    """Voila's command line for a class, and the token (None on 127.0.0.1 without one)."""
    if not 1 <= port <= 65535:
        raise ValueError(f"port must be between 1 and 65535; got {port}")
    if not 10 <= cull_after <= 86400:
        raise ValueError(f"cull_after must be between 10 and 86400 seconds; got {cull_after}")
    pool = pool_size_for(class_size) if pool is None and lesson else (pool or 0)
    if not 0 <= pool <= 100:
        raise ValueError(f"pool must be between 0 and 100; got {pool}")
    cap = max_kernels if max_kernels is not None else class_size + pool
    if not 1 <= cap <= 1000:
        raise ValueError(f"max_kernels must be between 1 and 1000; got {cap}")
    if ip not in LOCAL and not token:
        token = secrets.token_urlsafe(16)  # never open to a network without one
    manager = f"{__name__ if __name__ != '__main__' else 'voila_class'}.ClassroomKernelManager"
    provider = manager.replace("ClassroomKernelManager", "ClassroomIdentityProvider")
    argv = [
        "--no-browser",
        f"--Voila.ip={ip}",
        f"--port={port}",
        f"--Voila.identity_provider_class={provider}",
        f"--VoilaConfiguration.multi_kernel_manager_class={manager}",
        f"--ClassroomKernelManager.max_kernels={cap}",
        f"--MappingKernelManager.cull_idle_timeout={cull_after}",
        f"--MappingKernelManager.cull_interval={min(30, max(5, cull_after // 2))}",
        "--MappingKernelManager.cull_connected=False",
    ]
    if token:
        argv.append(f"--Voila.token={token}")
    if lesson and pool:
        name = Path(links.lesson_path(lesson)).name
        argv += [
            "--VoilaConfiguration.preheat_kernel=True",
            # every other lesson gets no pool: kernels start on demand
            "--VoilaKernelManager.kernel_pools_config="
            + repr({"default": {"pool_size": 0}, name: {"pool_size": pool}}).replace("'", '"'),
            # refill after the burst: a refill renders the lesson in the server's own process,
            # and ten at once slowed every page being served (measured: 18.6 s against
            # 10.9 s with no pool at all, for ten learners at once on 2 cores)
            f"--VoilaKernelManager.fill_delay={REFILL_DELAY}",
        ]
    argv.append(str(root / "lessons"))
    return argv, token


def page_address(ip: str, port: int, lesson: str | None, token: str | None) -> str:
    host = ip
    if ip in ("0.0.0.0", "::", ""):
        host = socket.gethostname()  # what the room's computers reach this one by
    name = Path(links.lesson_path(lesson or links.address().first_lesson)).name
    address = f"http://{host}:{port}/voila/render/{name}"
    return address + (f"?token={token}" if token else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ip", default="127.0.0.1", help="0.0.0.0: the classroom network")
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--class-size", type=int, default=1, help="learners at once")
    parser.add_argument("--lesson", help="the lesson of the day, pre-heated: 04 or 04-risks")
    parser.add_argument("--pool", type=int, help="pre-heated kernels (default: from class size)")
    parser.add_argument("--max-kernels", type=int, help="cap (default: class size + pool)")
    parser.add_argument("--token", help="the token learners need (made when --ip is not local)")
    parser.add_argument("--cull-after", type=int, default=CULL_AFTER, help="idle seconds")
    args = parser.parse_args(argv)
    try:
        voila, token = voila_argv(
            ip=args.ip,
            port=args.port,
            class_size=args.class_size,
            lesson=args.lesson,
            pool=args.pool,
            max_kernels=args.max_kernels,
            token=args.token,
            cull_after=args.cull_after,
        )
        address = page_address(args.ip, args.port, args.lesson, token)
    except ValueError as error:
        parser.error(str(error))
    print(f"The lessons as apps, for a class of {args.class_size}: {address}", flush=True)
    if token:
        print("Hand that address out (it holds the token); learners need it once.", flush=True)
    from voila.app import main as voila_main

    sys.argv = ["voila", *voila]
    return voila_main()


if __name__ == "__main__":
    sys.exit(main())
