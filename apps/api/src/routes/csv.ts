// CSV for downloads a person opens in a spreadsheet: RFC 4180 quoting, and no cell a spreadsheet would run as a
// formula (a cell starting with = + - @, tab or carriage return gets a leading apostrophe), since names and emails
// come from Entra and anyone able to name a user there could otherwise plant a formula in an admin's spreadsheet.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: null as empty, formula starts defused, quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One line (CRLF-terminated, as RFC 4180 has it). */
export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
