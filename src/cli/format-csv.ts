/** Quotes a field when RFC 4180 requires it (comma, double quote, CR or LF), doubling inner quotes. */
function quoteField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/**
 * Renders records as RFC 4180 CSV: CRLF line breaks (the last line included), fields quoted only when
 * they contain a comma, a double quote or a line break.
 *
 * @example
 * formatCsv([['name', 'cost'], ['search, EU', '1.50']]); // 'name,cost\r\n"search, EU",1.50\r\n'
 */
export function formatCsv(records: readonly (readonly string[])[]): string {
  return records.map((record) => `${record.map(quoteField).join(',')}\r\n`).join('');
}
