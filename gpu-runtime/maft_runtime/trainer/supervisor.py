"""Process supervision: the FIFO queue, N slots, and one child process per running job.

Each job trains in its own process and process group (``python -m maft_runtime.trainer.job``);
cancelling it or stopping the service SIGKILLs that group. Jobs that were running when the service
stopped (or was killed) are still `running` on disk; `recover` queues them first on the next start
and the job process resumes from its latest checkpoint.
"""

from __future__ import annotations

import asyncio
import collections
import errno
import fcntl
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import store
from .jobs import JobBook
from .placement import pick_device
from .records import TERMINAL, JobFailure, JobRecord

log = logging.getLogger("maft.trainer")

PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # gpu-runtime/, so `-m maft_runtime...` imports


def lock_is_held(path: Path) -> bool:
    """Whether some process holds an flock on `path` (the job process holds its job's lock)."""
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES):
            return True
        raise
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class Supervisor:
    def __init__(
        self,
        book: JobBook,
        *,
        slots: int,
        devices: list[str],
        jobs_per_device: int,
        checkpoint_every_steps: int,
        torch_threads: int | None,
        poll_interval: float,
    ):
        self.book = book
        self.slots = slots  # jobs that train at once (placement.resolve_slots)
        self.devices = devices  # CUDA device ids; each running job gets one as CUDA_VISIBLE_DEVICES
        self.jobs_per_device = jobs_per_device  # K: at most K running jobs per device
        self.checkpoint_every_steps = checkpoint_every_steps  # passed to each job process
        self.torch_threads = torch_threads  # torch.set_num_threads in each job process; None: torch's
        self.poll_interval = poll_interval  # seconds between checks for exited job processes
        self.queue: collections.deque[str] = collections.deque()  # job ids waiting, first in first out
        self.procs: dict[str, subprocess.Popen] = {}  # running job id -> its process
        self.job_devices: dict[str, str] = {}  # running job id -> its device (with devices)
        self._monitor: asyncio.Task | None = None

    def recover(self) -> None:
        """Jobs left `running` by a previous service: finish, or queue first to resume from a checkpoint."""
        ordered = self.book.oldest_first()
        for record in ordered:
            if record.job.status != "running":
                continue
            lock = self.book.job_dir(record.id) / store.LOCK_FILE
            if lock_is_held(lock) and record.pgid:
                # A job process outlived its service (it normally dies with it): stop it first.
                log.warning("killing leftover process group %s of job %s", record.pgid, record.id)
                kill_group(record.pgid)
                deadline = time.monotonic() + 15
                while lock_is_held(lock) and time.monotonic() < deadline:
                    time.sleep(0.1)
            if self.book.output_done(record):
                self.book.succeed(record)
                continue
            self.book.event(record, "The trainer service restarted; the job resumes from its latest checkpoint.")
            self.queue.append(record.id)
        self.queue.extend(r.id for r in ordered if r.job.status == "queued")

    def start_monitor(self) -> None:
        self._monitor = asyncio.create_task(self._monitor_loop())

    async def stop(self) -> None:
        """Kills every job process group; their jobs stay `running` on disk and resume on the next start."""
        if self._monitor:
            self._monitor.cancel()
        procs = list(self.procs.items())
        self.procs.clear()
        self.job_devices.clear()
        for job_id, proc in procs:
            log.info("stopping job %s (pid %s)", job_id, proc.pid)
            kill_group(proc.pid)
        for _, proc in procs:
            try:
                await asyncio.to_thread(proc.wait, 30)
            except subprocess.TimeoutExpired:
                pass

    async def cancel(self, record: JobRecord) -> None:
        """Drops a queued job, or SIGKILLs a running one's group; the job's status is the book's to set."""
        if record.id in self.queue:
            self.queue.remove(record.id)
        proc = self.procs.pop(record.id, None)
        if proc is not None:
            kill_group(proc.pid)
            await asyncio.to_thread(proc.wait)
            self.job_devices.pop(record.id, None)

    def _next_device(self) -> str | None:
        return pick_device(self.devices, self.job_devices.values(), self.jobs_per_device)

    def pump(self) -> None:
        """Starts queued jobs while a slot (and, with devices, a device) is free."""
        while self.queue and len(self.procs) < self.slots and (not self.devices or self._next_device() is not None):
            record = self.book.records[self.queue.popleft()]
            if record.job.status in TERMINAL:
                continue
            try:
                self._launch(record)
            except OSError as error:
                self.book.fail(
                    record, JobFailure("training_process_failed", f"could not start the training process: {error}")
                )

    def _launch(self, record: JobRecord) -> None:
        job_dir = self.book.job_dir(record.id)
        (job_dir / store.ERROR_FILE).unlink(missing_ok=True)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_PARENT), env.get("PYTHONPATH")) if p)
        device = None
        if self.devices:
            device = self._next_device()
            env["CUDA_VISIBLE_DEVICES"] = device
        command = [
            sys.executable,
            "-m",
            "maft_runtime.trainer.job",
            "--job-dir",
            str(job_dir),
            "--checkpoint-every-steps",
            str(self.checkpoint_every_steps),
            "--parent-pid",
            str(os.getpid()),
        ]
        if self.torch_threads:
            command += ["--torch-threads", str(self.torch_threads)]
        with open(job_dir / store.LOG_FILE, "ab") as log_file:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=str(job_dir),
                start_new_session=True,
            )
        self.procs[record.id] = proc
        if device is not None:
            self.job_devices[record.id] = device
        record.pid = proc.pid
        record.pgid = proc.pid  # start_new_session: the child leads its own process group
        started = record.job.status == "queued"  # else a `running` job resumes after a restart
        if started:
            record.job.status = "running"
        self.book.save(record)
        if started:
            self.book.event(record, "Fine-tuning job started.")
        log.info("started %s (pid %s)", record.id, proc.pid)

    async def _monitor_loop(self) -> None:
        while True:
            await asyncio.sleep(self.poll_interval)
            try:
                self.reap()
            except Exception:  # keep monitoring whatever one job did
                log.exception("monitor error")

    def reap(self) -> None:
        """Settles jobs whose process exited (succeeded if its model is in place, else failed), then pumps."""
        for job_id, proc in list(self.procs.items()):
            code = proc.poll()
            if code is None:
                continue
            self.procs.pop(job_id, None)
            self.job_devices.pop(job_id, None)
            record = self.book.records[job_id]
            if record.job.status != "running":
                continue
            if code == 0 and self.book.output_done(record):
                self.book.succeed(record)
            else:
                self.book.fail(record, self.book.process_failure(record, code))
        self.pump()
