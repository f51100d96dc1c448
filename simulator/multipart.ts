/** A small multipart/form-data parser (RFC 7578), enough for the openai client's file uploads. */

export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The boundary of a multipart/form-data content type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]).trim() : undefined;
}

function headerParam(header: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\*?=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(header);
  if (!match) return undefined;
  const value = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2].trim();
  if (value.startsWith("UTF-8''")) return decodeURIComponent(value.slice(7));
  // The HTML form-data encoding (undici, browsers) escapes only ", CR and LF in names.
  return value.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

/** The parts of a multipart body; throws on a malformed body. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw new Error('multipart body has no boundary');
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') break;
    if (body.subarray(position, position + 2).toString() === '\r\n') position += 2;
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0) throw new Error('multipart part has no header end');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('multipart part has no closing boundary');
    const headers = body.subarray(position, headerEnd).toString('utf8').split('\r\n');
    const disposition = headers.find((h) => /^content-disposition:/i.test(h));
    const contentType = headers.find((h) => /^content-type:/i.test(h));
    const name = disposition ? headerParam(disposition, 'name') : undefined;
    if (name === undefined) throw new Error('multipart part has no name');
    parts.push({
      name,
      filename: disposition ? headerParam(disposition, 'filename') : undefined,
      contentType: contentType?.replace(/^content-type:\s*/i, ''),
      data: body.subarray(headerEnd + 4, next),
    });
    position = next + 2;
  }
  return parts;
}
