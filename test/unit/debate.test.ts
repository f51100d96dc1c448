/**
 * The debate's rounds as pure code (core/debate.ts) over a hand-made `ask` that answers every call
 * with its own request id: which calls a debate makes, to which model, with which seed and
 * messages, in which order; and that a debate resumed from a checkpoint asks only the rounds after
 * it and ends where the uninterrupted one does.
 */
import { debateRounds, debateSeed, openingState, type Ask, type DebateInput, type DebateState, type ModelCall } from '../../core/debate';
import { criticTurnWithSummary, summaryRequest } from '../../core/tasks/arithmetic';
import { seedFrom } from '../../core/random';

const N = 3;
const critic = { style: 'arithmetic' as const, question: '1+2' };
const input = (overrides: Partial<DebateInput['settings']> = {}, rounds = 3): DebateInput => ({
  settings: {
    runId: 'r',
    seed: 7,
    baseModel: 'base',
    summarize: true,
    cooperative: false,
    agentIds: false,
    sampling: { temperature: 1, topP: 0.9, maxTokens: 64 },
    queues: { workflow: 'w', inference: 'i', training: 't' },
    task: 'arithmetic',
    temperatures: [0.5, 1, 1.5],
    critics: true,
    star: false,
    ...overrides,
  },
  iteration: 2,
  split: 'train',
  index: 4,
  rounds,
  agents: { generation: ['g1', 'g2', 'g3'], critic: ['c1', 'c2', 'c3'] },
});

/** Answers each call with "<request id> says <seed>"; cut (truncated) when the id is in `cut`. */
function recorder(cut: string[] = []): { ask: Ask; calls: ModelCall[] } {
  const calls: ModelCall[] = [];
  const ask: Ask = async (call) => {
    calls.push(call);
    await new Promise((r) => setTimeout(r, 1));
    return { content: `${call.requestId} says ${call.seed}`, truncated: cut.includes(call.requestId!) };
  };
  return { ask, calls };
}

describe('a debate with summaries (Algorithm 1, lines 8-13)', () => {
  let state: DebateState;
  let calls: ModelCall[];
  const finished: DebateState[] = [];

  beforeAll(async () => {
    const r = recorder(['r/l2/train/q4/round2/agent3']);
    calls = r.calls;
    state = await debateRounds(r.ask, input(), critic, openingState(input(), 'What is 1+2?'), (s) => finished.push(s));
  });

  it('asks N answers in round 1 and, per later round, N summaries by the base model and N critic answers', () => {
    const ids = calls.map((c) => c.requestId).sort();
    const expected = [1, 2, 3].flatMap((m) =>
      [1, 2, 3].flatMap((n) => (m === 1 ? [`agent${n}`] : [`agent${n}`, `summary${n}`])).map((call) => `r/l2/train/q4/round${m}/${call}`),
    );
    expect(ids).toEqual(expected.sort());
    expect(calls).toHaveLength(N + 2 * N * 2);
  });

  it('sends round 1 to the generation agents, summaries to the base model and later rounds to the critics, each at its own temperature', () => {
    for (const c of calls) {
      const [, m, call, n] = /round(\d)\/(agent|summary)(\d)$/.exec(c.requestId!)!.map((v, i) => (i === 2 ? v : Number(v)));
      if (call === 'summary') expect([c.model, c.temperature]).toEqual(['base', 1]);
      else expect([c.model, c.temperature]).toEqual([m === 1 ? `g${n}` : `c${n}`, [0.5, 1, 1.5][(n as number) - 1]]);
      expect(c.seed).toBe(seedFrom(7, 'r', 2, 'train', 4, call === 'agent' ? 'agent' : 'summary', (n as number) - 1, 'round', m));
      expect([c.topP, c.maxTokens]).toEqual([0.9, 64]);
    }
  });

  it('asks a critic after its own summary, with its whole conversation and the summary of the other two', () => {
    const at = (id: string) => calls.findIndex((c) => c.requestId === `r/l2/train/q4/${id}`);
    for (const n of [1, 2, 3]) expect(at(`round2/summary${n}`)).toBeLessThan(at(`round2/agent${n}`));
    const others = [2, 3].map((n) => `r/l2/train/q4/round1/agent${n} says ${debateSeed(input(), 'agent', n - 1, 'round', 1)}`);
    expect(calls[at('round2/summary1')].messages).toEqual(summaryRequest(others));
    const summary = `r/l2/train/q4/round2/summary1 says ${debateSeed(input(), 'summary', 0, 'round', 2)}`;
    expect(calls[at('round2/agent1')].messages).toEqual([
      { role: 'user', content: 'What is 1+2?' },
      { role: 'assistant', content: `r/l2/train/q4/round1/agent1 says ${debateSeed(input(), 'agent', 0, 'round', 1)}` },
      criticTurnWithSummary(summary),
    ]);
  });

  it('keeps each conversation, the summaries of rounds 2..M and the cut flags of every round', () => {
    expect(state.conversations.map((c) => c.map((m) => m.role))).toEqual(Array(N).fill(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']));
    expect(state.summaries).toHaveLength(2);
    expect(state.summaries[0][1]).toBe(`r/l2/train/q4/round2/summary2 says ${debateSeed(input(), 'summary', 1, 'round', 2)}`);
    expect(state.truncated).toEqual([
      [false, false, false],
      [false, false, true],
      [false, false, false],
    ]);
  });

  it('reports the state after every round, the last one being the result', () => {
    expect(finished.map((s) => s.truncated.length)).toEqual([1, 2, 3]);
    expect(finished[2]).toEqual(state);
  });

  it('resumed from the checkpoint of round 1, asks only rounds 2..M and ends where the uninterrupted debate did', async () => {
    const r = recorder(['r/l2/train/q4/round2/agent3']);
    const resumed = await debateRounds(r.ask, input(), critic, finished[0]);
    expect(r.calls.map((c) => c.requestId).sort()).toEqual(
      calls
        .map((c) => c.requestId)
        .filter((id) => !id!.includes('/round1/'))
        .sort(),
    );
    expect(resumed).toEqual(state);
    expect(finished[0].truncated).toHaveLength(1); // the checkpoint itself is left as it was
  });
});

describe('debate variants', () => {
  it("without summaries, critics get the others' answers verbatim and no summary call is made", async () => {
    const r = recorder();
    const state = await debateRounds(r.ask, input({ summarize: false }, 2), critic, openingState(input({ summarize: false }, 2), 'x'));
    expect(r.calls.filter((c) => c.requestId!.includes('summary'))).toEqual([]);
    expect(r.calls).toHaveLength(2 * N);
    expect(state.summaries).toEqual([]);
    expect(state.conversations[0][2].content).toContain('r/l2/train/q4/round1/agent2');
  });

  it("without critics, the generation agents answer every round; with agent ids, every prompt begins with the agent's id (Appendix E.2)", async () => {
    const settings = { critics: false, agentIds: true };
    const r = recorder();
    const state = await debateRounds(r.ask, input(settings, 2), critic, openingState(input(settings, 2), 'x'));
    expect(
      r.calls
        .filter((c) => c.requestId!.includes('/agent'))
        .map((c) => c.model)
        .sort(),
    ).toEqual(['g1', 'g1', 'g2', 'g2', 'g3', 'g3']);
    expect(state.conversations.map((c) => c[0].content)).toEqual(
      [1, 2, 3].map((n) => `Agent ID: GEN${n} (This is a generation agent ${n} tasked with creating a solution.)\n\nx`),
    );
    const withoutIds = await debateRounds(recorder().ask, input({ critics: false }, 2), critic, openingState(input({ critics: false }, 2), 'x'));
    expect(state.conversations.map((c) => c[2].content)).toEqual(
      withoutIds.conversations.map(
        (c, n) => `Agent ID: CRIT${n + 1} (This is a critic agent ${n + 1} tasked with evaluating and improving responses.)\n\n${c[2].content}`,
      ),
    );
  });

  it("cooperative critics are asked Appendix D's question over the others' solutions, in the task's answer format", async () => {
    const settings = { cooperative: true, summarize: false };
    const state = await debateRounds(recorder().ask, input(settings, 2), critic, openingState(input(settings, 2), 'x'));
    expect(state.conversations[0][2].content).toBe(
      'These are the solutions to the problem from other agents: ' +
        '\n\n One agent solution: ```r/l2/train/q4/round1/agent2 says ' +
        seedFrom(7, 'r', 2, 'train', 4, 'agent', 1, 'round', 1) +
        '```' +
        '\n\n One agent solution: ```r/l2/train/q4/round1/agent3 says ' +
        seedFrom(7, 'r', 2, 'train', 4, 'agent', 2, 'round', 1) +
        '```' +
        '\n\n Can you derive a new solution by combining your solution with the solutions of other agents? Make sure to state your answer at the end of the response.',
    );
  });

  it('a debate whose M rounds are all finished asks nothing', async () => {
    const r = recorder();
    const done = await debateRounds(r.ask, input({}, 1), critic, openingState(input({}, 1), 'x'));
    expect(await debateRounds(r.ask, input({}, 1), critic, done)).toEqual(done);
    expect(r.calls).toHaveLength(N);
  });
});
