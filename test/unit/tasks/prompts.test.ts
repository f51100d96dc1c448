/**
 * The debate prompts against the released code's strings, rendered by hand from the Python sources
 * (composable-models/llm_multiagent_debate and vsubramaniam851/multiagent-ft) for two other answers.
 */
import { debatePrompts } from '../../../core/prompts';

const others = ['A says 1.', 'B says 2.'];
const Q = 'What is 1+1?';

describe('critic prompts per task', () => {
  it('arithmetic: Du et al. math/gen_math.py construct_message', () => {
    expect(debatePrompts('arithmetic').criticTurnWithOpinions(others, Q).content).toBe(
      'These are the recent/updated opinions from other agents: \n\n One agent response: ```A says 1.```\n\n One agent response: ```B says 2.```\n\n Use these opinions carefully as additional advice, can you provide an updated answer? Make sure to state your answer at the end of the response.',
    );
  });

  it('gsm8k: Du et al. gsm/gen_gsm.py construct_message, restating the question', () => {
    expect(debatePrompts('gsm8k').criticTurnWithOpinions(others, Q).content).toBe(
      'These are the solutions to the problem from other agents: \n\n One agent solution: ```A says 1.```\n\n One agent solution: ```B says 2.```\n\n Using the solutions from other agents as additional information, can you provide your answer to the math problem? \n The original math problem is What is 1+1?. Your final answer should be a single numerical number, in the form \\boxed{answer}, at the end of your response.',
    );
  });

  it('mmlu: Du et al. mmlu/gen_mmlu.py construct_message', () => {
    expect(debatePrompts('mmlu').criticTurnWithOpinions(others, Q).content).toBe(
      'These are the solutions to the problem from other agents: \n\n One agent solution: ```A says 1.```\n\n One agent solution: ```B says 2.```\n\n Using the reasoning from other agents as additional advice, can you give an updated answer? Examine your solution and that other agents step by step. Put your answer in the form (X) at the end of your response.',
    );
  });

  it('math: multiagent-ft original_gen.py construct_message and construct_message_summary, typos kept', () => {
    expect(debatePrompts('math').criticTurnWithOpinions(others, Q).content).toBe(
      'Here is are solution from other agents: \n\n One agent response: A says 1.\n\n One agent response: B says 2.\n\n Using each response as additional advice, can you give an updated bullet by bullet answer to What is 1+1?? Your final answer should be be in the form \\boxed{answer} given at the end of your response.',
    );
    expect(debatePrompts('math').criticTurnWithSummary('S.', Q).content).toBe(
      'Here is a summary of solutions from several other agents: S.\n\n Examine each these solutions as additional advice, can solve What is 1+1? and give your updated answer? Explain your reasoning. \n Your final answer should be be in the form \\boxed{answer} given at the end of your response.',
    );
  });

  it("summary requests: multiagent-ft's summarize_message (the arithmetic one without its last clause)", () => {
    const blocks = 'Here are a list of opinions from different agents: \n\n One agent response: ```A says 1.```\n\n One agent response: ```B says 2.```';
    expect(debatePrompts('math').summaryRequest(others)).toEqual([
      {
        role: 'user',
        content: `${blocks}\n\n Write a summary of the different opinions from each of the individual agent and explain the reasoning in each solution.`,
      },
    ]);
    expect(debatePrompts('gsm8k').summaryRequest(others)).toEqual(debatePrompts('math').summaryRequest(others));
    expect(debatePrompts('arithmetic').summaryRequest(others)[0].content).toBe(
      `${blocks}\n\n Write a summary of the different opinions from each of the individual agent.`,
    );
  });

  it('tasks without a released summarized variant put the summary where the answers were', () => {
    const gsm = debatePrompts('gsm8k').criticTurnWithSummary('S.', Q).content;
    expect(gsm.startsWith('Here is a summary of solutions from several other agents: S.\n\n Using the solutions from other agents')).toBe(true);
    expect(gsm.endsWith(debatePrompts('gsm8k').criticTurnWithOpinions(others, Q).content.split('```B says 2.```')[1])).toBe(true);
    const mmlu = debatePrompts('mmlu').criticTurnWithSummary('S.', Q).content;
    expect(mmlu).toBe(
      `Here is a summary of solutions from several other agents: S.${debatePrompts('mmlu').criticTurnWithOpinions(others, Q).content.split('```B says 2.```')[1]}`,
    );
  });
});
