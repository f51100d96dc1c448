"""A vLLM LoRA resolver that reads maft's object store (entry point `maft_s3_lora_resolver`, allowed by
VLLM_PLUGINS in scripts/serve-vllm.sh when MAFT_ARTIFACTS is s3://...), modelled on vLLM's own
HfHubResolver: a request naming a model vLLM has not loaded downloads `<prefix>/adapters/<name>/` from
the store into VLLM_LORA_RESOLVER_CACHE_DIR (the engine host's local adapter cache) unless it is there,
then loads it as the filesystem resolver does (which checks that the adapter names the served base
model). So an engine host that shares no directory with the trainer serves adapters by name, and a
restarted one with an empty cache recovers them by name.

An adapter not in the store resolves to nothing (vLLM answers 404). While the store is unreachable the
download retries for MAFT_ARTIFACTS_RETRY_SECONDS [600] and then fails the request with 503 and the
reason, never a 404 that would read as "no such adapter". (The 503 is an HTTPException, which vLLM's
handlers answer as JSON; any other exception from a resolver becomes uvicorn's bare 500, which also
drops the client's keep-alive connection.)
"""

from __future__ import annotations

import asyncio
import os

from fastapi import HTTPException
from vllm.logger import init_logger
from vllm.lora.request import LoRARequest
from vllm.lora.resolver import LoRAResolverRegistry
from vllm.plugins.lora_resolvers.filesystem_resolver import FilesystemResolver

from .object_store import ARTIFACTS_VARIABLE, ObjectStore, ObjectStoreError, S3Location, s3_location

logger = init_logger(__name__)
CACHE_VARIABLE = "VLLM_LORA_RESOLVER_CACHE_DIR"


class ObjectStoreResolver(FilesystemResolver):
    def __init__(self, location: S3Location, lora_cache_dir: str):
        super().__init__(lora_cache_dir)
        self.location = location
        self._store: ObjectStore | None = None  # made on first use: register() runs in every vLLM process

    def store(self) -> ObjectStore:
        if self._store is None:
            self._store = ObjectStore(self.location)
        return self._store

    async def resolve_lora(self, base_model_name: str, lora_name: str) -> LoRARequest | None:
        if not lora_name or "/" in lora_name or lora_name.startswith("."):
            return None  # not a maft model name (maft's are <runId>-l<l>-gen<n>)
        try:
            path = await asyncio.to_thread(self.store().download_folder, lora_name, self.lora_cache_dir)
        except Exception as error:  # unreachable for the retry time, or refused (credentials, bucket)
            logger.error("LoRA adapter '%s' could not be fetched: %s", lora_name, error)
            raise HTTPException(
                503, f"LoRA adapter '{lora_name}' could not be fetched from the object store: {error}"
            ) from None
        if path is None:
            return None
        return await self._get_lora_req_from_path(lora_name, str(path), base_model_name)


def register() -> None:
    location = s3_location()  # a bad MAFT_ARTIFACTS fails the engine's start, naming the variable
    if location is None:
        return
    cache = os.environ.get(CACHE_VARIABLE, "")
    if not cache or not os.path.isdir(cache):
        raise ObjectStoreError(
            f"{ARTIFACTS_VARIABLE} is {location.url()}, so the object-store LoRA resolver needs {CACHE_VARIABLE} "
            f"to be a folder for its local copies (serve-vllm.sh sets it to MAFT_ADAPTER_ROOT); got {cache!r}"
        )
    LoRAResolverRegistry.register_resolver("maft object store resolver", ObjectStoreResolver(location, cache))
    logger.info("LoRA adapters resolve from %s/adapters into %s", location.url(), cache)
