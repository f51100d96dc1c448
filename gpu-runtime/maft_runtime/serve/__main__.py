"""python -m maft_runtime.serve --host 127.0.0.1 --port 8300 --model SmolLM2-135M-Instruct"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from ..models import UnknownModel, models_dir, resolve


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m maft_runtime.serve", description="maft's CPU inference server (OpenAI chat completions + vLLM runtime LoRA API)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8300)
    p.add_argument("--model", default="SmolLM2-135M-Instruct", help="base model: a name in --models-dir, or a checkpoint folder")
    p.add_argument("--models-dir", type=Path, default=None, help="where base models live (default: MAFT_MODELS_DIR or .maft/models)")
    p.add_argument("--adapter-root", type=Path, default=None, help="finetuned models; lora_path defaults to ADAPTER_ROOT/<lora_name> (default: MAFT_ADAPTER_ROOT or .maft/artifacts/adapters)")
    p.add_argument("--served-model-name", default=None, help="the name clients use for the base model (default: the folder's name)")
    p.add_argument("--max-batch-size", type=int, default=8, help="most requests generated together (default 8)")
    p.add_argument("--max-model-len", type=int, default=2048, help="prompt + completion tokens per request (default 2048)")
    p.add_argument("--batch-wait-ms", type=float, default=5.0, help="how long an idle server waits for more requests before a batch (default 5)")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return p.parse_args(argv)


def base_model_path(model: str, models: Path) -> Path:
    candidate = Path(model)
    if ("/" in model or model.startswith(".")) and (candidate / "config.json").is_file():
        return candidate
    try:
        resolved = resolve(model, models=models)
    except UnknownModel as e:
        raise SystemExit(f"maft serve: {e} (prepare it with `python -m maft_runtime.prepare_model`)") from e
    if resolved.kind != "base":
        raise SystemExit(f"maft serve: {model!r} is a finetuned model; start the server on its base {resolved.base_name!r} and load it with POST /v1/load_lora_adapter")
    return resolved.base_path


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Idle OpenMP threads sleep instead of spinning: on a small machine shared with a trainer, spinning
    # threads starve everyone (measured: 2-10x slower decoding). Must be set before torch loads.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    import torch
    import uvicorn

    from .app import ServerConfig, create_app
    from .engine import Engine

    if args.threads:
        torch.set_num_threads(args.threads)
    models = args.models_dir or models_dir()
    path = base_model_path(args.model, models)
    name = args.served_model_name or path.name
    logging.getLogger("maft_runtime.serve").info("loading %s from %s", name, path)
    engine = Engine(name, path)
    config = ServerConfig(max_batch_size=args.max_batch_size, max_model_len=args.max_model_len, batch_wait_s=args.batch_wait_ms / 1000,
                          adapter_root=args.adapter_root, models_dir=models)
    app = create_app(engine, config)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=args.log_level == "debug")
    return 0


if __name__ == "__main__":
    sys.exit(main())
