"""Several jobs per device (--jobs-per-device K): slots and flags, placement on the device running
fewest (with stand-in job processes, no training), and two jobs trained at once on the CPU giving
the same adapters as the same jobs trained one after the other."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from trainer_helpers import TrainerService, job_body, qa_examples
from maft_runtime.trainer import supervisor as supervisor_module
from maft_runtime.trainer.__main__ import parse_args
from maft_runtime.trainer.manager import JobManager
from maft_runtime.trainer.placement import cpu_threads_per_job, pick_device, resolve_slots
from maft_runtime.trainer.records import FineTuningJob, Hyperparameters, JobRecord, MaftTraining
from maft_runtime.trainer.spec import TrainingSpec

# ---- slots, flags, threads -----------------------------------------------------------------


def test_slots_default_to_k_per_device_and_k_on_the_cpu():
    assert parse_args([]).slots == 1
    assert parse_args(["--jobs-per-device", "3"]).slots == 3
    assert parse_args(["--devices", "0,1"]).slots == 2
    assert parse_args(["--devices", "0,1", "--jobs-per-device", "3"]).slots == 6
    assert parse_args(["--devices", "0,1", "--jobs-per-device", "3", "--slots", "4"]).slots == 4
    assert parse_args(["--slots", "4"]).slots == 4  # on the CPU --slots is not bounded, as before


@pytest.mark.parametrize(
    "argv, flag",
    [
        (["--jobs-per-device", "0"], "--jobs-per-device must be >= 1"),
        (["--devices", "0", "--jobs-per-device", "-2"], "--jobs-per-device must be >= 1"),
        (
            ["--devices", "0,1", "--jobs-per-device", "2", "--slots", "5"],
            "--slots 5 may not exceed the number of --devices times --jobs-per-device (2 x 2 = 4)",
        ),
        (
            ["--devices", "0", "--slots", "2"],
            "--slots 2 may not exceed the number of --devices times --jobs-per-device",
        ),
        (["--slots", "0"], "--slots must be >= 1"),
        (["--torch-threads", "0"], "--torch-threads must be >= 1"),
    ],
)
def test_bad_values_are_refused_naming_the_flag(capsys, argv, flag):
    with pytest.raises(SystemExit) as exit_info:
        parse_args(argv)
    assert exit_info.value.code == 2
    assert flag in capsys.readouterr().err


def test_concurrent_cpu_jobs_share_the_cores(tmp_path: Path):
    assert (
        cpu_threads_per_job(2, cpus=16) == 8
        and cpu_threads_per_job(3, cpus=16) == 5
        and cpu_threads_per_job(4, cpus=2) == 1
    )
    dirs = {"models_dir": tmp_path / "models", "adapter_root": tmp_path / "adapters"}
    assert JobManager(tmp_path / "a", **dirs).supervisor.torch_threads is None  # one job: torch's default
    assert JobManager(tmp_path / "b", jobs_per_device=2, **dirs).supervisor.torch_threads == cpu_threads_per_job(2)
    assert JobManager(tmp_path / "c", jobs_per_device=2, torch_threads=3, **dirs).supervisor.torch_threads == 3
    assert JobManager(tmp_path / "d", devices=["0"], jobs_per_device=2, **dirs).supervisor.torch_threads is None


# ---- placement -----------------------------------------------------------------------------


def test_pick_device_takes_the_one_running_fewest_first_on_a_tie_at_most_k():
    assert pick_device(["0", "1"], [], 2) == "0"
    assert pick_device(["0", "1"], ["0"], 2) == "1"
    assert pick_device(["0", "1"], ["0", "1"], 2) == "0"
    assert pick_device(["0", "1"], ["1", "0", "1"], 2) == "0"
    assert pick_device(["0", "1"], ["0", "1", "0", "1"], 2) is None
    assert pick_device(["a", "b", "c"], ["b", "a", "a"], 3) == "c"
    assert pick_device(["7"], ["7"], 1) is None
    assert pick_device([], [], 1) is None
    assert resolve_slots(None, ["0", "1", "2"], 2) == 6 and resolve_slots(None, [], 2) == 2


class FakeProcess:
    """Stands in for a job process: records its CUDA_VISIBLE_DEVICES; `returncode` set = it exited."""

    launched: list["FakeProcess"] = []

    def __init__(self, command, *, env, **kwargs):
        self.pid = 10**9 + len(FakeProcess.launched)  # never signalled: these tests neither cancel nor stop
        self.device = env.get("CUDA_VISIBLE_DEVICES")
        self.job_id = Path(kwargs["cwd"]).name
        self.returncode = None
        FakeProcess.launched.append(self)

    def poll(self):
        return self.returncode


def queued_record(job_id: str, seq: int, adapter_root: Path) -> JobRecord:
    """A queued job with its own output name; placement reads none of its training options."""
    spec = TrainingSpec(
        model="m",
        base_name="m",
        base_path="/m",
        parent_kind="base",
        parent_path=None,
        output_name=f"model-{seq}",
        adapter_root=str(adapter_root),
        training_file="file-1",
        training_filename="a.jsonl",
        training_path="/a.data",
        method="lora",
        learning_rate=1e-4,
        n_epochs=1,
        batch_size=1,
        seed=1,
        lora_rank=16,
        lora_alpha=32,
        lora_dropout=0.05,
        target_modules=None,
        assistant_turns="all",
        max_seq_length=2048,
    )
    job = FineTuningJob(
        id=job_id,
        model="m",
        created_at=0,
        status="queued",
        training_file="file-1",
        hyperparameters=Hyperparameters(1, 1, 1.0),
        seed=1,
        maft_training=MaftTraining.from_spec(spec),
    )
    return JobRecord(job=job, spec=spec, seq=seq)


@pytest.fixture
def fake_manager(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(supervisor_module.subprocess, "Popen", FakeProcess)
    FakeProcess.launched = []

    def make(count: int, **options) -> JobManager:
        manager = JobManager(
            tmp_path / "state", models_dir=tmp_path / "models", adapter_root=tmp_path / "adapters", **options
        )
        for i in range(count):
            job_id = f"ftjob-{i}"
            manager.jobs.job_dir(job_id).mkdir(parents=True)
            manager.jobs.records[job_id] = queued_record(job_id, i + 1, tmp_path / "adapters")
            manager.supervisor.queue.append(job_id)
        return manager

    return make


def test_jobs_go_to_the_device_running_fewest_never_more_than_k(fake_manager):
    manager = fake_manager(6, devices=["0", "1"], jobs_per_device=2)
    assert manager.supervisor.slots == 4
    manager.supervisor.pump()
    assert [(p.job_id, p.device) for p in FakeProcess.launched] == [
        ("ftjob-0", "0"),
        ("ftjob-1", "1"),
        ("ftjob-2", "0"),
        ("ftjob-3", "1"),
    ]
    assert list(manager.supervisor.queue) == ["ftjob-4", "ftjob-5"]  # both devices run K = 2

    FakeProcess.launched[1].returncode = 1  # ftjob-1 ends on device 1: the next job takes its place there
    manager.supervisor.reap()
    assert manager.jobs.records["ftjob-1"].job.status == "failed"
    assert [(p.job_id, p.device) for p in FakeProcess.launched[4:]] == [("ftjob-4", "1")]
    assert sorted(manager.supervisor.job_devices.values()) == ["0", "0", "1", "1"] and list(
        manager.supervisor.queue
    ) == ["ftjob-5"]

    for process in FakeProcess.launched[:4]:  # the rest end; device 1 still runs ftjob-4, so the last job goes to 0
        process.returncode = 1
    manager.supervisor.reap()
    assert [(p.job_id, p.device) for p in FakeProcess.launched[5:]] == [("ftjob-5", "0")]


def test_slots_below_the_devices_capacity_still_bound_the_jobs(fake_manager):
    manager = fake_manager(5, devices=["0", "1", "2"], jobs_per_device=2, slots=4)
    manager.supervisor.pump()
    assert [p.device for p in FakeProcess.launched] == ["0", "1", "2", "0"]
    assert list(manager.supervisor.queue) == ["ftjob-4"]


def test_cpu_jobs_run_k_at_once_without_a_device(fake_manager):
    manager = fake_manager(3, jobs_per_device=2)
    manager.supervisor.pump()
    assert [p.device for p in FakeProcess.launched] == [None, None] and list(manager.supervisor.queue) == ["ftjob-2"]


# ---- the same adapters, concurrently or serially -------------------------------------------

# Two different jobs (data and seed), small enough to train in seconds on the tiny model.
JOBS = [
    dict(lines=qa_examples(8), suffix="k2-a", seed=11, n_epochs=1, batch_size=2),
    dict(lines=qa_examples(12)[4:], suffix="k2-b", seed=12, n_epochs=2, batch_size=4),
]


def train_jobs(service: TrainerService, model: str, tag: str) -> tuple[list[dict], int]:
    """Creates both jobs at once, waits for both; returns the jobs and the most /health saw running together."""
    created = []
    for i, spec in enumerate(JOBS):
        file_id = service.upload(spec["lines"], filename=f"{spec['suffix']}.jsonl")
        created.append(
            service.create(
                job_body(
                    model,
                    file_id,
                    key=f"{tag}/{i}",
                    suffix=f"{spec['suffix']}-{tag}",
                    seed=spec["seed"],
                    n_epochs=spec["n_epochs"],
                    batch_size=spec["batch_size"],
                )
            ).json()
        )
    most = 0
    deadline = time.monotonic() + 120
    while any(service.job(job["id"])["status"] not in ("succeeded", "failed", "cancelled") for job in created):
        most = max(most, service.client.get("/health").json()["running"])
        assert time.monotonic() < deadline, [service.job(job["id"])["status"] for job in created]
        time.sleep(0.1)
    return [service.job(job["id"]) for job in created], most


@pytest.fixture(scope="module")
def two_at_once(tiny_model, tmp_path_factory):
    service = TrainerService(tmp_path_factory.mktemp("trainer-k2"), slots=None, jobs_per_device=2).start()
    yield service
    service.stop()


def test_two_jobs_at_once_train_the_same_adapters_as_one_after_the_other(trainer, two_at_once, tiny_model):
    import torch
    from safetensors.torch import load_file

    assert two_at_once.client.get("/health").json()["slots"] == 2
    serial, serial_most = train_jobs(trainer, tiny_model.name, "serial")  # the shared service: one slot
    concurrent, concurrent_most = train_jobs(two_at_once, tiny_model.name, "concurrent")
    assert [j["status"] for j in serial + concurrent] == ["succeeded"] * 4, [j["error"] for j in serial + concurrent]
    assert (serial_most, concurrent_most) == (1, 2)  # the two jobs really overlapped, and only there

    for one, other in zip(serial, concurrent):
        assert one["trained_tokens"] == other["trained_tokens"]
        a = load_file(tiny_model.adapter_root / one["fine_tuned_model"] / "adapter_model.safetensors")
        b = load_file(tiny_model.adapter_root / other["fine_tuned_model"] / "adapter_model.safetensors")
        assert sorted(a) == sorted(b) and a
        # Exact: each job is its own process with the same seed, data order and one torch thread
        # (TrainerService passes --torch-threads 1), so CPU kernels reduce in the same order.
        assert all(torch.equal(a[name], b[name]) for name in a), [
            name for name in a if not torch.equal(a[name], b[name])
        ]
    # and the two jobs differ from each other (the comparison is not vacuous)
    first = load_file(tiny_model.adapter_root / serial[0]["fine_tuned_model"] / "adapter_model.safetensors")
    second = load_file(tiny_model.adapter_root / serial[1]["fine_tuned_model"] / "adapter_model.safetensors")
    assert any(not torch.equal(first[name], second[name]) for name in first)
