/**
 * RFC 4180 cells, neutralised against formula injection: a spreadsheet runs a
 * cell that starts with = + - @ (and, in some, a tab or carriage return) as a
 * formula, so such a cell is exported with a leading single quote, which the
 * spreadsheet shows as text. Fields with a comma, a double quote, CR or LF are
 * quoted, with double quotes doubled. Rows end with CRLF.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | null): string {
  if (value === null || value === "") return "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly (string | null)[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) line += (i ? "," : "") + csvCell(values[i]!);
  return `${line}\r\n`;
}
