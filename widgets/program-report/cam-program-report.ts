import { html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ReportTable, TransparencyReport } from '../../src/core/report/transparency-report.js';
import { resolveLocale, type Locale } from '../shared/locale.js';
import { tokens } from '../shared/tokens.styles.js';
import {
  messagesFor,
  type ProgramReportMessages,
  type ProgramReportOverrides,
} from './cam-program-report.messages.js';
import { styles } from './cam-program-report.styles.js';

/**
 * `<cam-program-report>`: the public transparency report (what `ccr report` writes as
 * `report.json`) as accessible tables, each count with a bar for a quick comparison (the
 * bars are hidden from screen readers, which read the figure beside them); a suppressed
 * count reads "fewer than 5" to screen readers. English or Spanish from the page's `lang`.
 *
 * @csspart table - each table
 * @cssprop --cam-accent - colour of the bars
 */
export class CamProgramReport extends LitElement {
  static override styles = [tokens, styles];

  @state() private locale: Locale = 'en';

  /** The report, as `ccr report` writes it (`report.json`), loaded by the host page. */
  @property({ attribute: false }) report?: TransparencyReport;
  /** Any string, per language. */
  @property({ attribute: false }) messageOverrides?: ProgramReportOverrides;

  private langObserver: MutationObserver | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.locale = resolveLocale(this);
    this.langObserver = new MutationObserver(() => {
      this.locale = resolveLocale(this);
    });
    this.langObserver.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['lang'],
      subtree: true,
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.langObserver?.disconnect();
  }

  private renderKey(m: ProgramReportMessages, column: string, value: string): string {
    if (column === 'month' && /^\d{4}-\d{2}$/.test(value)) {
      const [year, month] = value.split('-').map(Number) as [number, number];
      return new Intl.DateTimeFormat(this.locale, {
        year: 'numeric',
        month: 'long',
        timeZone: 'UTC',
      }).format(Date.UTC(year, month - 1, 1));
    }
    if (column === 'district' && m.keys[value] === undefined) return m.district(value);
    return m.keys[value] ?? value;
  }

  private renderCount(
    m: ProgramReportMessages,
    count: unknown,
    largest: number,
    threshold: number,
  ) {
    if (typeof count !== 'number')
      return html`<span class="figure"
          ><span aria-hidden="true">${m.suppressedCell}</span
          ><span class="visually-hidden">${m.suppressedCellSpoken(threshold)}</span></span
        ><span class="track" aria-hidden="true"></span>`;
    // The bar repeats the figure beside it, so it is hidden from screen readers.
    return html`<span class="figure">${new Intl.NumberFormat(this.locale).format(count)}</span
      ><span class="track" aria-hidden="true"
        ><span class="bar" style="inline-size: ${(count / largest) * 100}%"></span
      ></span>`;
  }

  private renderTable(m: ProgramReportMessages, table: ReportTable, threshold: number) {
    const largest = Math.max(
      1,
      ...table.rows.map((row) => {
        const count = row.at(-1);
        return typeof count === 'number' ? count : 0;
      }),
    );
    const id = `table-${table.id}`;
    return html`<section aria-labelledby=${id}>
      <table part="table">
        <caption id=${id}>
          ${m.tables[table.id] ?? table.title}
        </caption>
        <thead>
          <tr>
            ${table.columns.map(
              (c, i) =>
                html`<th scope="col" class=${i === table.columns.length - 1 ? 'count' : ''}>
                  ${m.columns[c] ?? c}
                </th>`,
            )}
          </tr>
        </thead>
        <tbody>
          ${
            table.rows.length === 0
              ? html`<tr>
                  <td colspan=${table.columns.length}>${m.emptyTable}</td>
                </tr>`
              : table.rows.map((row) => {
                  const keys = row.slice(0, -1);
                  return html`<tr>
                    ${keys.map((key, i) =>
                      i === 0
                        ? html`<th scope="row">
                            ${this.renderKey(m, table.columns[i] ?? '', String(key))}
                          </th>`
                        : html`<td>${this.renderKey(m, table.columns[i] ?? '', String(key))}</td>`,
                    )}
                    <td class="count">${this.renderCount(m, row.at(-1), largest, threshold)}</td>
                  </tr>`;
                })
          }
        </tbody>
      </table>
    </section>`;
  }

  override render() {
    const m = messagesFor(this.locale, this.messageOverrides);
    const report = this.report;
    if (!report) return html`<p>${m.noReport}</p>`;
    const generated = new Intl.DateTimeFormat(this.locale, {
      dateStyle: 'long',
      timeZone: 'UTC',
    }).format(new Date(report.generatedAt));
    return html`<h2>${m.heading}</h2>
      <p>${m.intro}</p>
      <p>${m.generated(generated)} ${m.suppressed(report.suppressionThreshold)}</p>
      ${
        report.tables.length === 0
          ? nothing
          : report.tables.map((t) => this.renderTable(m, t, report.suppressionThreshold))
      }
      <section aria-labelledby="notes-heading">
        <h3 id="notes-heading">${m.notesHeading}</h3>
        <ul>
          ${m.notes.map((note) => html`<li>${note}</li>`)}
        </ul>
      </section>`;
  }
}
