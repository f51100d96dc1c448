/**
 * The launcher's refusals (gpu-runtime/scripts/serve-vllm.sh through workers/runtime-services.ts):
 * bad settings fail before vLLM starts, with the launcher's own words in the error.
 */
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SMOLLM2, startVllm } from '../../workers/runtime-services';

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
    await expect(startVllm({ role: 'generation', stateDir, model: SMOLLM2, env: { MAFT_VLLM_ROLE: 'scoring' } })).rejects.toThrow(/MAFT_VLLM_ROLE must be generation or embeddings, got 'scoring'/);
  });
});
