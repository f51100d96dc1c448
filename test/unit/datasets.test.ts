import { criticMixCounts, emptyCriticNote, mixCriticData, partitionDebates, releasedCriticMix, toFinetuningRecord } from '../../core/datasets';
import type { Conversation, DebateTranscript } from '../../core/transcript';

/** A 2-round debate over question `q`: agent n says round1[n] then round2[n]. */
function debate(q: string, round1: Array<string | null>, round2: Array<string | null>, majority: string | null): DebateTranscript {
  const say = (v: string | null) => (v === null ? 'no idea' : `answer ${v}`);
  const conversations: Conversation[] = round1.map((first, n) => [
    { role: 'user', content: q },
    { role: 'assistant', content: say(first) },
    { role: 'user', content: `feedback for ${n}` },
    { role: 'assistant', content: say(round2[n]) },
  ]);
  return {
    runId: 'r',
    iteration: 1,
    split: 'train',
    questionId: q,
    agents: { generation: [], critic: [] },
    conversations,
    summaries: [],
    checker: 'number',
    extracted: [round1, round2],
    answers: [round1, round2],
    majority,
  };
}

const transcripts = [
  debate('Q1', ['5', '7', '5'], ['5', '5', '5'], '5'),
  debate('Q2', ['2', '2', '9'], ['2', '2', '9'], '2'),
  debate('Q3', [null, '4', '4'], [null, null, null], null),
  debate('Q4', ['1', '8', '8'], ['8', '8', '1'], '8'),
];
const questions = (cs: Conversation[]) => cs.map((c) => c[0].content);

describe('D^G_n, D^C-_n, D^C+_n (Algorithm 1, lines 18-25)', () => {
  const data = partitionDebates(transcripts, 3);

  it('puts an agent wrong in round 1 and right in round M into D^C-_n and nowhere else', () => {
    // Q1, agent 2: 7 then 5 with ŷ = 5.
    expect(questions(data[1].criticMinus)).toEqual(['Q1']);
    expect(questions(data[1].generation)).not.toContain('Q1');
    expect(questions(data[1].criticPlus)).not.toContain('Q1');
  });

  it('matches the hand-computed partition for every agent', () => {
    expect(data.map((d) => questions(d.generation))).toEqual([
      ['Q1', 'Q2'],
      ['Q2', 'Q4'],
      ['Q1', 'Q4'],
    ]);
    expect(data.map((d) => questions(d.criticMinus))).toEqual([['Q4'], ['Q1'], []]);
    expect(data.map((d) => questions(d.criticPlus))).toEqual([['Q1', 'Q2'], ['Q2', 'Q4'], ['Q1']]);
  });

  it('uses (x, y_1n) for generation agents and the whole conversation for critics', () => {
    expect(data[0].generation[0]).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'answer 5' },
    ]);
    expect(data[0].criticMinus[0]).toHaveLength(4);
    expect(data[0].criticMinus[0][3]).toEqual({ role: 'assistant', content: 'answer 8' });
  });

  it('learns nothing from a debate without a majority', () => {
    const all = data.flatMap((d) => [...d.generation, ...d.criticMinus, ...d.criticPlus]);
    expect(questions(all)).not.toContain('Q3');
  });

  it('has no critic data with a single round', () => {
    const oneRound: DebateTranscript = { ...transcripts[0], answers: [['5', '7', '5']], conversations: transcripts[0].conversations.map((c) => c.slice(0, 2)) };
    const [agent1] = partitionDebates([oneRound], 3);
    expect(agent1.generation).toHaveLength(1);
    expect(agent1.criticPlus).toHaveLength(0);
  });
});

describe('the w-mix D^C_n (line 26)', () => {
  it.each([
    [2 / 3, 4, 2, 4, 2],
    [2 / 3, 4, 10, 4, 2],
    [2 / 3, 10, 1, 2, 1],
    [2 / 3, 1, 2, 1, 0],
    [2 / 3, 0, 5, 0, 0],
    [0.5, 3, 5, 3, 3],
    [1, 3, 5, 3, 0],
    [0, 3, 5, 0, 5],
    [0.25, 1, 2, 1, 1], // T = floor(min(1/0.25, 2/0.75)) = 2: round(0.5) = 1 from D^C-, the other 1 from D^C+
    [0.4, 2, 1, 0, 1], // T = floor(min(5, 1.67)) = 1
  ])('w=%d, |D^C-|=%d, |D^C+|=%d takes %d and %d', (w, a, b, fromMinus, fromPlus) => {
    expect(criticMixCounts(w, a, b)).toEqual({ fromMinus, fromPlus });
  });

  it('never takes more than T, |D^C-| or |D^C+| allow', () => {
    for (const w of [0.1, 0.25, 1 / 3, 0.4, 0.5, 0.6, 2 / 3, 0.75, 0.9]) {
      for (let a = 0; a <= 12; a++) {
        for (let b = 0; b <= 12; b++) {
          const { fromMinus, fromPlus } = criticMixCounts(w, a, b);
          const total = Math.floor(Math.min(a / w, b / (1 - w)) + 1e-9);
          expect([fromMinus <= a, fromPlus <= b, fromMinus + fromPlus]).toEqual([true, true, total]);
        }
      }
    }
  });

  const minus = Array.from({ length: 4 }, (_, i): Conversation => [{ role: 'user', content: `m${i}` }]);
  const plus = Array.from({ length: 10 }, (_, i): Conversation => [{ role: 'user', content: `p${i}` }]);

  it('samples with a seed: same seed, same set; different seeds, different sets', () => {
    const a = questions(mixCriticData(minus, plus, 2 / 3, 11));
    expect(a).toEqual(questions(mixCriticData(minus, plus, 2 / 3, 11)));
    expect(a.filter((q) => q.startsWith('m'))).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(a.filter((q) => q.startsWith('p'))).toHaveLength(2);
    const sets = new Set(Array.from({ length: 20 }, (_, seed) => questions(mixCriticData(minus, plus, 2 / 3, seed)).join()));
    expect(sets.size).toBeGreaterThan(1);
  });
});

describe("the released code's mix (criticMixRule: 'released')", () => {
  const minus = Array.from({ length: 3 }, (_, i): Conversation => [{ role: 'user', content: `m${i}` }]);
  const plus = Array.from({ length: 40 }, (_, i): Conversation => [{ role: 'user', content: `p${i}` }]);

  it('keeps every D^C- example and each D^C+ example on a fair coin, seeded, in question order', () => {
    const mix = questions(releasedCriticMix(minus, plus, 5));
    expect(mix).toEqual(questions(releasedCriticMix(minus, plus, 5)));
    expect(mix.slice(0, 3)).toEqual(['m0', 'm1', 'm2']);
    const kept = mix.slice(3);
    expect(kept).toEqual(plus.map((c) => c[0].content).filter((q) => kept.includes(q)));
    // Over 50 seeds the 40 D^C+ examples are kept about half the time: 1000 of 2000 expected, SE ~ 22.
    const total = Array.from({ length: 50 }, (_, seed) => releasedCriticMix(minus, plus, seed).length - 3).reduce((x, y) => x + y, 0);
    expect(Math.abs(total - 1000)).toBeLessThan(100);
  });

  it('keeps D^C- whole when D^C+ is empty', () => {
    expect(questions(releasedCriticMix(minus, [], 1))).toEqual(['m0', 'm1', 'm2']);
  });
});

describe('why a critic gets nothing', () => {
  it('says so when the w-mix takes nothing although D^C- or D^C+ has examples', () => {
    expect(emptyCriticNote(2, 2 / 3, 4, 0)).toBe(
      'critic 2: D^C+ is empty, so the w-mix (w = 0.667) takes nothing, leaving its 4 D^C- examples unused; criticMix 1 or criticMixRule "released" would train on them',
    );
    expect(emptyCriticNote(1, 0.5, 0, 3)).toBe(
      'critic 1: D^C- is empty, so the w-mix (w = 0.5) takes nothing, leaving its 3 D^C+ examples unused; criticMix 0 or criticMixRule "released" would train on them',
    );
  });
  it('is silent when the mix is not empty, or there was nothing to draw from', () => {
    expect(emptyCriticNote(1, 2 / 3, 4, 2)).toBeNull();
    expect(emptyCriticNote(1, 2 / 3, 0, 0)).toBeNull();
    expect(emptyCriticNote(1, 1, 4, 0)).toBeNull();
  });
});

describe('finetuning records', () => {
  const conversation: Conversation = transcripts[0].conversations[1];

  it('are chat JSONL records', () => {
    expect(toFinetuningRecord(conversation)).toEqual({ messages: conversation });
  });

  it("can train the critic's final turn only (OpenAI's per-message weight)", () => {
    const record = toFinetuningRecord(conversation, 'final');
    expect(record.messages.map((m) => m.weight)).toEqual([undefined, 0, undefined, 1]);
  });
});
