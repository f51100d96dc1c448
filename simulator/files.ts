/** Uploaded files (OpenAI Files API subset) and validation of fine-tuning JSONL. */
import { seedFrom } from '../core/random';
import type { ChatMessage } from './agents';

export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: 'processed';
  status_details: null;
  expires_at: null;
}

interface StoredFile {
  meta: FileObject;
  data: Buffer;
}

const ROLES = new Set(['system', 'user', 'assistant']);

/** A fine-tuning file's examples, or the first problem found (1-based line number). */
export type ParsedTrainingFile = { ok: true; examples: ChatMessage[][] } | { ok: false; line: number; message: string };

/** Checks that every non-empty line is {"messages": [{role, content}, ...]} with an assistant turn. */
export function parseTrainingFile(text: string): ParsedTrainingFile {
  const examples: ChatMessage[][] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const fail = (message: string): ParsedTrainingFile => ({ ok: false, line: i + 1, message });
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return fail('is not valid JSON');
    }
    const messages = (value as { messages?: unknown } | null)?.messages;
    if (!Array.isArray(messages) || messages.length === 0) return fail('must be an object with a non-empty "messages" array');
    for (let j = 0; j < messages.length; j++) {
      const m = messages[j] as { role?: unknown; content?: unknown } | null;
      if (!m || typeof m.role !== 'string' || !ROLES.has(m.role)) return fail(`messages[${j}].role must be one of system, user, assistant`);
      if (typeof m.content !== 'string') return fail(`messages[${j}].content must be a string`);
    }
    if (!messages.some((m: ChatMessage) => m.role === 'assistant')) return fail('has no assistant message to train on');
    examples.push(messages.map((m: ChatMessage) => ({ role: m.role, content: m.content })));
  }
  if (examples.length === 0) return { ok: false, line: 1, message: 'the file has no training examples' };
  return { ok: true, examples };
}

export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private counter = 0;

  constructor(private readonly seed: number) {}

  create(filename: string, purpose: string, data: Buffer): FileObject {
    this.counter += 1;
    const id = `file-${seedFrom(this.seed, 'file', this.counter).toString(16).padStart(8, '0')}${this.counter}`;
    const meta: FileObject = {
      id,
      object: 'file',
      bytes: data.length,
      created_at: Math.floor(Date.now() / 1000),
      filename,
      purpose,
      status: 'processed',
      status_details: null,
      expires_at: null,
    };
    this.files.set(id, { meta, data });
    return meta;
  }

  get(id: string): FileObject | undefined {
    return this.files.get(id)?.meta;
  }

  content(id: string): Buffer | undefined {
    return this.files.get(id)?.data;
  }

  list(): FileObject[] {
    return [...this.files.values()].map((f) => f.meta).reverse();
  }

  get size(): number {
    return this.files.size;
  }
}
