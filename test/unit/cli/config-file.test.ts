/** Run config files: YAML or JSON, every problem reported with its file, line and field path. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { loadRunConfigFile, lineOfPath } from '../../../cli/config-file';
import { ConfigError } from '../../../core/config';

const dir = mkdtempSync(path.join(os.tmpdir(), 'maft-config-'));
function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function problemsOf(file: string): string[] {
  try {
    loadRunConfigFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadRunConfigFile', () => {
  it('reads a YAML config and fills the paper defaults', () => {
    const file = write('good.yaml', ['runId: r1', 'baseModel: sim-base', 'task:', '  trainSize: 20']);
    const config = loadRunConfigFile(file);
    expect(config).toMatchObject({
      runId: 'r1',
      baseModel: 'sim-base',
      agents: 3,
      rounds: 2,
      iterations: 5,
      task: { name: 'arithmetic', trainSize: 20, testSize: 500 },
    });
    expect(config.queues.workflow).toBe('maft');
  });

  it('names file, line and path of every bad field, in file order', () => {
    const file = write('run.yaml', [
      'runId: r1', //                     1
      'baseModel: sim-base', //           2
      'sampling:', //                     3
      '  temperature: 7', //              4
      'task:', //                         5
      '  name: arithmetic', //            6
      '  trainSize: many', //             7
      '  colour: blue', //                8
      '  flavour: salty', //              9
    ]);
    expect(problemsOf(file)).toEqual([
      `${file}:4 sampling.temperature: Number must be less than or equal to 2`,
      `${file}:7 task.trainSize: Expected number, received string`,
      `${file}:8 task.colour: Unrecognized key`,
      `${file}:9 task.flavour: Unrecognized key`,
    ]);
  });

  it('points a missing field at the mapping that lacks it', () => {
    const file = write('missing.yaml', ['# a comment', 'runId: r1', 'training:', '  lora:', '    rank: 12']);
    expect(problemsOf(file)).toEqual([`${file}:2 baseModel: Required`, `${file}:5 training.lora.rank: Invalid input`]);
  });

  it('reads JSON with line numbers, also in the workflow-input form {"config": ...}', () => {
    const file = write('run.json', ['{', '  "config": {', '    "runId": "r 1",', '    "baseModel": "sim-base",', '    "agents": 0', '  }', '}']);
    expect(problemsOf(file)).toEqual([
      `${file}:3 config.runId: letters, digits, ".", "_" and "-", at most 63 characters`,
      `${file}:5 config.agents: Number must be greater than 0`,
    ]);
    const good = write('good.json', ['{"config": {"runId": "r1", "baseModel": "sim-base", "iterations": 2}}']);
    expect(loadRunConfigFile(good)).toMatchObject({ runId: 'r1', iterations: 2 });
  });

  it('reports syntax errors and unreadable files with their line', () => {
    // The flow sequence opened on line 2 is found unterminated on line 3.
    expect(problemsOf(write('broken.yaml', ['runId: r1', 'baseModel: [sim-base,', 'iterations: 2']))).toEqual([
      `${path.join(dir, 'broken.yaml')}:3 Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
    expect(problemsOf(write('twice.yaml', ['runId: r1', 'baseModel: a', 'runId: r2']))).toEqual([`${path.join(dir, 'twice.yaml')}:3 Map keys must be unique`]);
    expect(problemsOf(path.join(dir, 'absent.yaml'))[0]).toMatch(/absent\.yaml: ENOENT/);
  });
});

describe('lineOfPath', () => {
  it('walks maps and sequences to the deepest part of the path present', () => {
    const text = ['a:', '  b:', '    - x', '    - y: 1', '      z: 2', 'c: 3'].join('\n');
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    expect(lineOfPath(doc, lines, ['a', 'b', 1, 'z'])).toBe(5);
    expect(lineOfPath(doc, lines, ['a', 'b', 0])).toBe(3);
    expect(lineOfPath(doc, lines, ['a', 'b', 7])).toBe(2);
    expect(lineOfPath(doc, lines, ['c', 'd'])).toBe(6);
    expect(lineOfPath(doc, lines, [])).toBe(1);
  });
});
