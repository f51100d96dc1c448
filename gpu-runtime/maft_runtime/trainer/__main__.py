"""python -m maft_runtime.trainer --host 127.0.0.1 --port 8200 --state-dir .maft/trainer [--devices 0,1 --jobs-per-device 2]"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import uvicorn

from .. import models
from .artifacts import open_object_store
from .manager import JobManager, ServiceLocked
from .placement import resolve_slots
from .service import create_app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m maft_runtime.trainer", description="maft's finetuning service (OpenAI fine-tuning API subset)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (no authentication: keep it private)")
    parser.add_argument("--port", type=int, default=8200, help="port to listen on")
    parser.add_argument(
        "--state-dir", type=Path, default=Path(".maft/trainer"), help="files, job records, events and checkpoints"
    )
    parser.add_argument(
        "--slots",
        type=int,
        default=None,
        help="jobs that train at once (default: --jobs-per-device per --devices entry, else --jobs-per-device)",
    )
    parser.add_argument(
        "--devices",
        default=None,
        help="comma-separated CUDA device ids; each running job gets one as CUDA_VISIBLE_DEVICES (e.g. 0,1,2,3)",
    )
    parser.add_argument(
        "--jobs-per-device",
        type=int,
        default=1,
        help="K: jobs that train at once on one device (on the CPU without --devices); a new job goes to the device running fewest",
    )
    parser.add_argument("--checkpoint-every-steps", type=int, default=20, help="optimizer steps between checkpoints")
    parser.add_argument("--models-dir", type=Path, default=None, help="base models (default: $MAFT_MODELS_DIR)")
    parser.add_argument(
        "--adapter-root", type=Path, default=None, help="finetuned models (default: $MAFT_ADAPTER_ROOT)"
    )
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=None,
        help="torch.set_num_threads in each job process (default: torch's, or on the CPU with several slots an equal share of the cores)",
    )
    parser.add_argument(
        "--log-level", default="info", help="the service's and uvicorn's log level (debug, info, warning, error)"
    )
    args = parser.parse_args(argv)
    args.devices = [d.strip() for d in args.devices.split(",") if d.strip()] if args.devices else []
    try:
        args.slots = resolve_slots(args.slots, args.devices, args.jobs_per_device)
    except ValueError as error:
        parser.error(str(error))
    if args.torch_threads is not None and args.torch_threads < 1:
        parser.error(f"--torch-threads must be >= 1 (got {args.torch_threads})")
    if args.checkpoint_every_steps < 1:
        parser.error("--checkpoint-every-steps must be >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        # MAFT_ARTIFACTS=s3://bucket/prefix: the bucket, the key pair and the endpoint are checked now, so a
        # wrong setting fails the start naming it rather than the first job.
        object_store = open_object_store()
        if object_store is not None:
            object_store.check()
        adapter_root = args.adapter_root or models.adapter_root()
    except Exception as error:
        print(f"maft trainer: {error}", file=sys.stderr)
        return 2
    manager = JobManager(
        args.state_dir,
        slots=args.slots,
        checkpoint_every_steps=args.checkpoint_every_steps,
        models_dir=args.models_dir,
        adapter_root=adapter_root,
        torch_threads=args.torch_threads,
        devices=args.devices,
        jobs_per_device=args.jobs_per_device,
        object_store=object_store,
    )
    try:
        manager.take_service_lock()
    except ServiceLocked as error:
        print(f"maft trainer: {error}", file=sys.stderr)
        return 2
    uvicorn.run(create_app(manager), host=args.host, port=args.port, log_level=args.log_level.lower())
    return 0


if __name__ == "__main__":
    sys.exit(main())
