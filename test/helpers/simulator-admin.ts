/** The simulator's admin API (docs/simulator.md) for tests that change faults during a run or read its counters. */
import type { SleepEvent, SleepLevel } from '../../simulator/engine-sleep';
import type { SimulatorState } from '../../simulator/state';

/** The simulator's base URL from its OpenAI base URL (…/v1). */
const adminUrl = (openAiUrl: string, route: string) => `${openAiUrl.replace(/\/v1\/?$/, '')}/admin/${route}`;

export async function setSimulatorFaults(openAiUrl: string, patch: object): Promise<void> {
  const res = await fetch(adminUrl(openAiUrl, 'faults'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
  if (res.status !== 200) throw new Error(`POST /admin/faults ${JSON.stringify(patch)}: ${res.status} ${await res.text()}`);
}

export async function simulatorState(openAiUrl: string): Promise<ReturnType<SimulatorState['snapshot']>> {
  return (await (await fetch(adminUrl(openAiUrl, 'state'))).json()) as ReturnType<SimulatorState['snapshot']>;
}

/** GET /admin/sleep-log: the engine's sleeps, wakes, and model calls refused or aborted by a sleep, in order
 * (simulator/engine-sleep.ts), for tests of colocated runs. */
export async function simulatorSleepLog(
  openAiUrl: string,
): Promise<{ sleeping: boolean; level: SleepLevel | null; refused: number; aborted: number; events: SleepEvent[] }> {
  return (await (await fetch(adminUrl(openAiUrl, 'sleep-log'))).json()) as Awaited<ReturnType<typeof simulatorSleepLog>>;
}
