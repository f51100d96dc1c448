/**
 * A CSV reader (RFC 4180: comma-separated, fields quoted with "..." where they hold commas, quotes or
 * line breaks, "" for a quote inside a quoted field) that keeps the line each record starts on.
 */
import { DataFileError } from './records';

export interface CsvRecord {
  /** 1-based line the record starts on. */
  line: number;
  fields: string[];
}

const UNQUOTED = /[^,\r\n]*/y;
const newlines = (s: string) => s.split('\n').length - 1;

export function parseCsv(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const record: CsvRecord = { line, fields: [] };
    for (;;) {
      if (text[i] === '"') {
        // A quoted field: up to the next quote not doubled.
        let value = '';
        let from = i + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote < 0) throw new DataFileError(file, line, 'unterminated quoted field');
          value += text.slice(from, quote);
          if (text[quote + 1] !== '"') {
            i = quote + 1;
            break;
          }
          value += '"';
          from = quote + 2;
        }
        line += newlines(value);
        record.fields.push(value);
      } else {
        UNQUOTED.lastIndex = i;
        const value = UNQUOTED.exec(text)![0];
        record.fields.push(value);
        i += value.length;
      }
      if (text[i] !== ',') break;
      i++;
    }
    if (i < text.length && text[i] !== '\r' && text[i] !== '\n')
      throw new DataFileError(file, line, `unexpected ${JSON.stringify(text[i])} after a quoted field`);
    i += text.startsWith('\r\n', i) ? 2 : 1;
    line++;
    if (record.fields.length > 1 || record.fields[0] !== '') records.push(record);
  }
  return records;
}
