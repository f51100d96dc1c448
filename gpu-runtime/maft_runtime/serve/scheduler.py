"""Batching: requests queue up on the event loop; one model thread runs one batch at a time.

While a batch generates, new requests wait; when it finishes, the next batch takes up to
max_batch_size waiting requests that share an engine (the base model and all its LoRA adapters
are one engine: PEFT mixes adapters within a batch), oldest first. Adapter loads and unloads run
on the same thread, in order with the batches, so a batch never sees a half-loaded adapter.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from .engine import Engine, GenRequest, GenResult

log = logging.getLogger("maft_runtime.serve")


@dataclass
class _Pending:
    engine: Engine
    request: GenRequest
    future: asyncio.Future
    is_live: Callable[[], bool]  # False once the model it targets was unloaded
    on_dead: Callable[[], Exception]


class Scheduler:
    def __init__(self, *, max_batch_size: int = 8, batch_wait_s: float = 0.005):
        self.max_batch_size = max(1, max_batch_size)
        self.batch_wait_s = max(0.0, batch_wait_s)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="maft-model")
        self.queue: list[_Pending] = []
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self.stats = {"batches": 0, "requests": 0, "largest_batch": 0}

    def start(self) -> None:
        self._wakeup = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="maft-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        for pending in self.queue:
            if not pending.future.done():
                pending.future.set_exception(RuntimeError("server shutting down"))
        self.queue.clear()
        self.executor.shutdown(wait=False, cancel_futures=True)

    @property
    def alive(self) -> bool:
        return self._task is not None and not self._task.done()

    async def submit(self, engine: Engine, request: GenRequest, *, is_live, on_dead) -> GenResult:
        future = asyncio.get_running_loop().create_future()
        self.queue.append(_Pending(engine, request, future, is_live, on_dead))
        assert self._wakeup is not None, "scheduler not started"
        self._wakeup.set()
        return await future

    async def run_exclusive(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Runs fn on the model thread, between batches."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    def _take(self) -> list[_Pending]:
        live: list[_Pending] = []
        for pending in self.queue:
            if pending.future.done():
                continue
            if not pending.is_live():
                pending.future.set_exception(pending.on_dead())
                continue
            live.append(pending)
        if not live:
            self.queue = []
            return []
        engine = live[0].engine
        batch = [p for p in live if p.engine is engine][: self.max_batch_size]
        chosen = {id(p) for p in batch}
        self.queue = [p for p in live if id(p) not in chosen]
        return batch

    async def _run(self) -> None:
        assert self._wakeup is not None
        loop = asyncio.get_running_loop()
        while True:
            await self._wakeup.wait()
            if self.batch_wait_s:
                await asyncio.sleep(self.batch_wait_s)  # let requests sent together arrive together
            batch = self._take()
            if not self.queue:
                self._wakeup.clear()
            if not batch:
                continue
            self.stats["batches"] += 1
            self.stats["requests"] += len(batch)
            self.stats["largest_batch"] = max(self.stats["largest_batch"], len(batch))
            try:
                results = await loop.run_in_executor(self.executor, batch[0].engine.generate, [p.request for p in batch])
            except Exception as error:  # noqa: BLE001 - every request of the batch gets the error
                log.exception("generation failed for a batch of %d", len(batch))
                for pending in batch:
                    if not pending.future.done():
                        pending.future.set_exception(error)
                continue
            for pending, result in zip(batch, results):
                if not pending.future.done():
                    pending.future.set_result(result)
