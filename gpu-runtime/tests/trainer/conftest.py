"""Trainer fixtures; helpers live in trainer_helpers.py."""

from __future__ import annotations

import pytest

from trainer_helpers import TrainerService


@pytest.fixture(scope="session")
def trainer(tiny_model, tmp_path_factory) -> TrainerService:
    """One shared service (slots 1, no step delay) for the tests that only need jobs to run."""
    service = TrainerService(tmp_path_factory.mktemp("trainer-state")).start()
    yield service
    service.stop()
