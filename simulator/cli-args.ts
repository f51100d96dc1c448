/** Command-line flags of simulator/main.ts, mapped onto SimulatorOptions. */
import type { SimulatorOptions } from './options';

export const USAGE = `usage: node dist/simulator/main.js [flags]

  --host H                     interface to listen on (default 127.0.0.1)
  --port N                     port (default 0: a random free port)
  --seed N                     seed of every simulated draw (default 0)
  --base-model NAME            a base model to serve (repeatable; default sim-base)
  --base-skill P               base models' probability of a correct answer (default 0.6)
  --skill-spread R             seeded relative differences of base models' skill shares (default 0)
  --training-ms-per-example N  simulated training time per example per epoch (default 2)
  --min-training-ms N          shortest simulated training run (default 5)
  --training-slots N           jobs that run at once (default 64)
  --latency-ms N               mean latency of a chat call (default 0)
  --jitter-ms N                uniform +- jitter of that latency (default 0)
  --capacity N                 chat calls processed at once, the rest queue FIFO (default 0: unlimited)
  --error5xx-rate P            probability of a 500
  --rate-limit-rate P          probability of a 429
  --retry-after-seconds N      Retry-After of injected 429s (default 1)
  --timeout-rate P             probability of holding a call open unanswered
  --timeout-hold-ms N          how long such a call is held (default 60000)
  --drop-rate P                probability of closing the socket without a response
  --fail-training-rate P       probability that a fine-tuning job fails
  --fault-training-create      let error5xx/rate-limit rates hit job creation too
  --context-limit-chars N      reject longer conversations with vLLM's context-length 400
  --unparseable-rate P         probability that a reply states no answer
  --quiet                      no log lines on stderr
  --record-calls               keep each answered chat call's timings for GET /admin/calls
  --embedding-model NAME       a model POST /v1/embeddings serves (repeatable; default sim-embed)
  --no-embeddings              no /v1/embeddings endpoint (404), as a chat-only server
  --no-prompt-logprobs         no /v1/completions endpoint (404): no prompt log-probabilities
  --lora-resolver              a request naming a model trained here but not yet published loads it on
                               first use, like vLLM's LoRA resolvers (the engine of an object-store deployment)
  --help                       this text`;

const NUMERIC: Record<string, keyof SimulatorOptions> = {
  '--port': 'port',
  '--seed': 'seed',
  '--base-skill': 'baseSkill',
  '--skill-spread': 'skillSpread',
  '--training-ms-per-example': 'trainingMsPerExample',
  '--min-training-ms': 'minTrainingMs',
  '--training-slots': 'trainingSlots',
  '--latency-ms': 'latencyMs',
  '--jitter-ms': 'jitterMs',
  '--capacity': 'capacity',
  '--error5xx-rate': 'error5xxRate',
  '--rate-limit-rate': 'rateLimitRate',
  '--retry-after-seconds': 'retryAfterSeconds',
  '--timeout-rate': 'timeoutRate',
  '--timeout-hold-ms': 'timeoutHoldMs',
  '--drop-rate': 'dropRate',
  '--fail-training-rate': 'failTrainingRate',
  '--context-limit-chars': 'contextLimitChars',
  '--unparseable-rate': 'unparseableRate',
};

export interface CliArgs {
  options: SimulatorOptions;
  quiet: boolean;
  help: boolean;
}

/** Parses flags (`--flag value` or `--flag=value`); throws with a message on a bad one. */
export function parseCliArgs(argv: string[]): CliArgs {
  const options: Record<string, unknown> = {};
  const baseModels: string[] = [];
  const embeddingModels: string[] = [];
  let quiet = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    const takeValue = (): string => {
      if (value !== undefined) return value;
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--quiet') quiet = true;
    else if (flag === '--help' || flag === '-h') help = true;
    else if (flag === '--fault-training-create') options.faultTrainingCreate = true;
    else if (flag === '--record-calls') options.recordCalls = true;
    else if (flag === '--no-embeddings') options.embeddingModels = [];
    else if (flag === '--no-prompt-logprobs') options.promptLogprobs = false;
    else if (flag === '--lora-resolver') options.loraResolver = true;
    else if (flag === '--embedding-model') embeddingModels.push(takeValue());
    else if (flag === '--host') options.host = takeValue();
    else if (flag === '--base-model') baseModels.push(takeValue());
    else if (flag in NUMERIC) {
      const raw = takeValue();
      const number = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(number)) throw new Error(`${flag} must be a number, got '${raw}'`);
      options[NUMERIC[flag]] = number;
    } else throw new Error(`unknown flag ${flag}`);
  }
  if (baseModels.length > 0) options.baseModels = baseModels;
  if (embeddingModels.length > 0) {
    if (options.embeddingModels) throw new Error('--embedding-model and --no-embeddings contradict each other');
    options.embeddingModels = embeddingModels;
  }
  return { options: options as SimulatorOptions, quiet, help };
}
