/**
 * `<cam-program-report>`: defines the transparency-report element. Importing this module more
 * than once, or alongside another copy, defines the tag once.
 */
import { CamProgramReport } from './cam-program-report.js';

export { CamProgramReport };
export type {
  ProgramReportMessages,
  ProgramReportOverrides,
} from './cam-program-report.messages.js';

if (!customElements.get('cam-program-report'))
  customElements.define('cam-program-report', CamProgramReport);

declare global {
  interface HTMLElementTagNameMap {
    'cam-program-report': CamProgramReport;
  }
}
