"""maft's trainer: supervised finetuning jobs behind the OpenAI fine-tuning API subset.

Run it with ``python -m maft_runtime.trainer --port 8200 --state-dir .maft/trainer``; see docs/trainer.md.

Layout: ``service`` (FastAPI app; never imports torch), ``manager`` (what the service calls; ties
the next three together), ``files`` (uploaded files), ``jobs`` (job records, events and outcomes),
``supervisor`` (the FIFO queue, slots and job processes), ``records`` (the typed file and job
records and their JSON), ``placement`` (slots, devices and torch threads), ``spec`` (validation of
a create request into a TrainingSpec), ``dataset`` (chat JSONL checks and the label builder),
``job`` (the child process that trains one job with TRL's SFTTrainer), ``store`` (the state
directory's paths and JSON, events).
"""
