/**
 * How a harness runs one of the project's entry points (the CLI, the simulator) in a node process of
 * its own: its build in dist/ when the harness itself runs from the build (the benchmark), else its
 * source through tsx (the tests: the code under test, not a stale build). tsx is given by its full
 * path, so the process may start in any working directory.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../activities/project-root';

/** Node's arguments for `relative` (e.g. 'cli/main', no extension), before the script's own. */
export function nodeScriptArgs(relative: string): string[] {
  if (__filename.endsWith('.js')) return [path.join(PROJECT_ROOT, 'dist', `${relative}.js`)];
  return ['--import', pathToFileURL(require.resolve('tsx')).href, path.join(PROJECT_ROOT, `${relative}.ts`)];
}
