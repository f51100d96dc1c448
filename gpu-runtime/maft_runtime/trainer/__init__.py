"""maft's trainer: supervised finetuning jobs behind the OpenAI fine-tuning API subset.

Run it with ``python -m maft_runtime.trainer --port 8200 --state-dir .maft/trainer``; see docs/trainer.md.

Layout: ``service`` (FastAPI app; never imports torch), ``manager`` (the job queue and the job
processes), ``placement`` (slots, devices and torch threads), ``spec`` (validation of a create
request), ``dataset`` (chat JSONL checks and the label builder), ``job`` (the child process that
trains one job with TRL's SFTTrainer), ``store`` (the state directory: files, jobs, events).
"""
