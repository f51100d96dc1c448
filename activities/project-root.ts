/** The project's folder, from its sources or from the build in dist/ (the default data directory, the
 * dev server's binary and the runtime's scripts are found from it). */
import * as path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '.');
