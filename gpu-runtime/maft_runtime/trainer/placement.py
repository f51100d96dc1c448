"""Where jobs train: how many at once, on which device, with how many torch threads (no heavy imports).

With `--devices`, each device runs up to K jobs at once (`--jobs-per-device K`, default 1) and a new
job goes to the device with the fewest running jobs, the first in the list on a tie; slots default
to len(devices) * K and may not exceed it. Without devices the jobs share the CPU: slots default to
K, and unless `--torch-threads` says otherwise each of several concurrent jobs gets an equal share
of the CPUs this process may use, so K jobs do not each start one thread per core.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Iterable


def resolve_slots(slots: int | None, devices: list[str], jobs_per_device: int) -> int:
    """Jobs that train at once: `slots` as given, else K per device (K on the CPU). ValueError names the flag."""
    if jobs_per_device < 1:
        raise ValueError(f"--jobs-per-device must be >= 1 (got {jobs_per_device})")
    if slots is None:
        slots = len(devices) * jobs_per_device if devices else jobs_per_device
    if slots < 1:
        raise ValueError(f"--slots must be >= 1 (got {slots})")
    if devices and slots > len(devices) * jobs_per_device:
        raise ValueError(
            f"--slots {slots} may not exceed the number of --devices times --jobs-per-device "
            f"({len(devices)} x {jobs_per_device} = {len(devices) * jobs_per_device})"
        )
    return slots


def pick_device(devices: list[str], running: Iterable[str], jobs_per_device: int) -> str | None:
    """The device for the next job: the one with the fewest running jobs (`running` holds one device
    id per running job), the first in `devices` on a tie; None when every device runs K jobs."""
    counts = collections.Counter(running)
    device = min(devices, key=lambda d: counts[d], default=None)  # min keeps the first of equals
    if device is None or counts[device] >= jobs_per_device:
        return None
    return device


def cpu_threads_per_job(slots: int, cpus: int | None = None) -> int:
    """torch threads for each of `slots` concurrent jobs on the CPU: an equal share, at least one."""
    if cpus is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cpus // slots)
