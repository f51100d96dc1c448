/**
 * Writes an experiment report into a folder: report.md, records.jsonl (the raw records, one per
 * line) and every plot and heatmap as SVG and as PNG. The PNGs are rendered from the SVGs by resvg
 * (@resvg/resvg-js, prebuilt native binaries from npm) with the DejaVu Sans font files of the
 * dejavu-fonts-ttf package and system fonts off, so text renders the same on any machine.
 */
import { Resvg } from '@resvg/resvg-js';
import { ApplicationFailure } from '@temporalio/activity';
import { validateRecords } from '../core/report/record-schema';
import type { EvaluationRecord } from '../core/report/records';
import { buildReport } from '../core/report/report';
import { FONT_FAMILY } from '../core/report/svg-chart';
import type { ArtifactStore } from './artifact-store';

/** PNGs are rendered at twice the SVG's size. */
export const PNG_SCALE = 2;

const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => require.resolve(`dejavu-fonts-ttf/ttf/${file}`));

export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
  });
  return resvg.render().asPng();
}

/** A report that cannot be built from these records will not be built by a retry either: fail for good. */
function builtOrInvalid<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw ApplicationFailure.nonRetryable(`cannot build the report: ${(error as Error).message}`, 'InvalidRecords');
  }
}

export interface ReportInput {
  title: string;
  records: readonly EvaluationRecord[];
  /** Where the report goes: a folder of the artifact store. Its plots/ subfolder is replaced. */
  store: ArtifactStore;
  folder: string;
}

/** Returns report.md's text and the written files, relative to the folder. */
export async function writeReport({ title, records, store, folder }: ReportInput): Promise<{ markdown: string; files: string[] }> {
  const report = builtOrInvalid(() => buildReport(title, validateRecords(records)));
  await store.removeFolder(`${folder}/plots`);
  const files: string[] = [];
  const write = async (relative: string, content: string | Uint8Array) => {
    await store.writeText(`${folder}/${relative}`, content);
    files.push(relative);
  };
  await write('report.md', report.markdown);
  await store.writeJsonl(`${folder}/records.jsonl`, records);
  files.push('records.jsonl');
  for (const figure of [...report.plots, ...report.heatmaps]) {
    await write(`${figure.path}.svg`, figure.svg);
    await write(`${figure.path}.png`, svgToPng(figure.svg));
  }
  return { markdown: report.markdown, files };
}
