import { parseCliArgs } from '../../../simulator/cli-args';
import { CapacityGate, FaultInjector } from '../../../simulator/faults';
import { boundaryOf, parseMultipart } from '../../../simulator/multipart';
import { DEFAULT_FAULTS, mergeFaults, resolveOptions, SettingError } from '../../../simulator/options';

test('multipart bodies as Node/undici FormData encodes them', async () => {
  const form = new FormData();
  form.append('purpose', 'fine-tune');
  form.append('file', new Blob(['{"a":1}\r\n--not-a-boundary\n']), 'train "x".jsonl');
  const request = new Request('http://x', { method: 'POST', body: form });
  const boundary = boundaryOf(request.headers.get('content-type') ?? undefined)!;
  const parts = parseMultipart(Buffer.from(await request.arrayBuffer()), boundary);
  expect(parts.map((p) => p.name)).toEqual(['purpose', 'file']);
  expect(parts[0].data.toString()).toBe('fine-tune');
  expect(parts[1].filename).toBe('train "x".jsonl');
  expect(parts[1].data.toString()).toBe('{"a":1}\r\n--not-a-boundary\n');
  expect(() => parseMultipart(Buffer.from('garbage'), boundary)).toThrow();
  expect(boundaryOf('application/json')).toBeUndefined();
});

test('CLI flags map onto options', () => {
  const args = parseCliArgs([
    '--port',
    '8100',
    '--seed=4',
    '--latency-ms',
    '5',
    '--base-model',
    'a',
    '--base-model',
    'b',
    '--fault-training-create',
    '--quiet',
  ]);
  expect(args).toEqual({ options: { port: 8100, seed: 4, latencyMs: 5, baseModels: ['a', 'b'], faultTrainingCreate: true }, quiet: true, help: false });
  expect(() => parseCliArgs(['--port'])).toThrow('--port needs a value');
  expect(() => parseCliArgs(['--seed', 'x'])).toThrow('must be a number');
  expect(() => parseCliArgs(['--nope'])).toThrow('unknown flag');
});

test('options: defaults, validation naming the field', () => {
  const resolved = resolveOptions({ latencyMs: 3, baseSkill: { C: 0.2 } });
  expect(resolved).toMatchObject({ host: '127.0.0.1', port: 0, seed: 0, baseModels: ['sim-base'], trainingSlots: 64 });
  expect(resolved.baseSkill).toEqual({ A: 0.6, B: 0.6, C: 0.2 });
  expect(resolved.skillSpread).toBe(0);
  expect(resolved.faults.latencyMs).toBe(3);
  expect(() => resolveOptions({ baseSkill: 2 })).toThrow(SettingError);
  expect(() => resolveOptions({ skillSpread: 1.5 })).toThrow('skillSpread');
  expect(() => mergeFaults(DEFAULT_FAULTS, { timeoutRate: -1 })).toThrow('timeoutRate');
});

test('scripted faults are consumed in order before random ones', () => {
  const faults = new FaultInjector(0, mergeFaults(DEFAULT_FAULTS, { failNextChatCalls: [{ status: 429 }, { drop: true }] }));
  expect(faults.decideChat('k')).toEqual({ kind: 'rateLimit', retryAfterSeconds: 1 });
  expect(faults.decideChat('k')).toEqual({ kind: 'drop' });
  expect(faults.decideChat('k')).toEqual({ kind: 'none' });
  faults.update({ error5xxRate: 1 });
  expect(faults.decideChat('k')).toEqual({ kind: 'error5xx' });
});

test('the capacity gate is FIFO and never exceeds its limit', async () => {
  const gate = new CapacityGate(2);
  const order: number[] = [];
  const releases = await Promise.all([gate.acquire(), gate.acquire()]);
  const waiting = [3, 4].map((n) => gate.acquire().then((release) => (order.push(n), release)));
  expect(gate.queued).toBe(2);
  releases[0]();
  releases[0]();
  const third = await waiting[0];
  expect(gate.inFlight).toBe(2);
  releases[1]();
  const fourth = await waiting[1];
  third();
  fourth();
  expect(order).toEqual([3, 4]);
  expect(gate).toMatchObject({ inFlight: 0, maxInFlight: 2, maxQueued: 2 });
});
