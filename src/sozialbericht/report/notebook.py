"""Executing the report notebook with papermill, one district after another in one kernel.

A Jupyter kernel costs about a second and a half to start and to import pandas and matplotlib;
a batch of districts therefore shares one kernel, whose namespace is reset before every notebook
(modules stay imported, variables do not). Before the first notebook the kernel imports the
report's modules and moves them out of the garbage collector's view (``gc.freeze``): every later
collection — the reset's, and the automatic ones while charts are drawn — then walks only the
objects of the current report, not the hundreds of thousands of pandas' and matplotlib's. The executed copy is kept free of run timestamps and
its execution counts are renumbered, so that reruns give identical notebooks.
"""

from __future__ import annotations

import time
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.blocking import BlockingKernelClient

_VOLATILE_CELL_KEYS = ("execution", "papermill")
#: Imported by the kernel before its first notebook (then frozen out of garbage collection).
WARM_UP = (
    "numpy",
    "pandas",
    "sozialbericht.report.figures",
    "sozialbericht.report.chapters.common",
    "sozialbericht.compute.disclosure",
)


class ReadyClient(BlockingKernelClient):
    """jupyter_client's blocking client, ready as soon as the kernel has answered on the shell
    channel and IOPub is connected.

    jupyter_client's own ``wait_for_ready`` then also waits until IOPub has been silent for 0.2 s
    — twice per notebook (the reset, papermill's client): a batch job idled a sixth of its time.
    Whoever reads IOPub afterwards (nbclient, ``execute_interactive``) keeps only the messages
    of its own request, so late messages of the handshake need no waiting for."""

    def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else 60)
        while True:
            self.kernel_info()
            try:
                reply = self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    self.iopub_channel.get_msg(timeout=0.2)  # a status message: IOPub is connected
                    return
                except Empty:
                    pass
            if not self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


class NotebookRunner:
    """``with NotebookRunner() as run: run(template, output, parameters)`` — papermill on a kernel
    that is started once and reset between notebooks."""

    def __init__(self, kernel_name: str = "python3", warm_up: tuple[str, ...] = WARM_UP):
        self.kernel_name = kernel_name
        self.warm_up = warm_up
        self.km = None
        self.fresh = True

    def __enter__(self):
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name=self.kernel_name, client_class=f"{__name__}.ReadyClient")
        self.km.start_kernel()
        self.fresh = True
        return self

    def __exit__(self, *exc):
        if self.km is not None:
            self.km.shutdown_kernel(now=True)
            self.km = None

    @property
    def kernel_pid(self) -> int | None:
        """The kernel's process id (its CPU time is measured per report), or None."""
        provisioner = getattr(self.km, "provisioner", None)
        return getattr(provisioner, "pid", None)

    def _reset(self) -> None:
        """A fresh kernel imports and freezes ``warm_up``; a used one is reset (hard reset as
        ``%reset -f``, with one garbage collection instead of the magic's two)."""
        if self.fresh:
            code = "".join(f"import {m}\n" for m in self.warm_up) + "import gc\ngc.collect()\ngc.freeze()"
        else:
            code = "get_ipython().reset(new_session=False)"
        client = self.km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            reply = client.execute_interactive(code, timeout=60, store_history=False)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"Kernel: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")
        self.fresh = False

    def __call__(self, template: Path, output: Path, parameters: dict) -> Path:
        import papermill

        output.parent.mkdir(parents=True, exist_ok=True)
        if self.km is None:
            raise RuntimeError("use NotebookRunner as a context manager")
        self._reset()
        papermill.execute_notebook(
            str(template),
            str(output),
            parameters=parameters,
            progress_bar=False,
            log_output=False,
            # written once when done, not after every cell (a tenth of a report's CPU time)
            request_save_on_cell_execute=False,
            kernel_name=self.kernel_name,
            language="python",
            km=self.km,
        )
        strip_volatile(output)
        return output


def execute(template: Path, output: Path, parameters: dict) -> Path:
    """Run one notebook in a kernel of its own."""
    with NotebookRunner() as run:
        return run(template, output, parameters)


def strip_volatile(path: Path) -> None:
    """Remove execution timestamps and durations, renumber execution counts from 1."""
    nb = nbformat.read(path, as_version=4)
    count = 0
    for cell in nb.cells:
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = count
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
