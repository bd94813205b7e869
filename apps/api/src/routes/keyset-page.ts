// Keyset paging: each list query asks for one row more than the page, so "is there a next page" costs
// nothing extra. This turns those rows into the page and, when more follow, the cursor of its last row.
export interface KeysetPage<Row> {
  page: Row[];
  nextCursor?: string;
}

export function keysetPage<Row>(rows: Row[], limit: number, cursorOf: (row: Row) => string): KeysetPage<Row> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return rows.length > limit && last !== undefined ? { page, nextCursor: cursorOf(last) } : { page };
}
