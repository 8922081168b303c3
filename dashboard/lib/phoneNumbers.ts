/** A line of pasted or uploaded numbers that is not an E.164 number. */
export interface BadLine {
  line: number;
  text: string;
}

const e164 = /^\+[1-9][0-9]{6,14}$/;
const separators = /[\s\-().]/g;

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',' || ch === ';' || ch === '\t') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

/** A number with the variables its call sees: the CSV's other columns, by their header's name. */
export interface Contact {
  phone_number: string;
  variables: Record<string, string>;
}

/**
 * Reads numbers from pasted text or a CSV file, one per line. A first line naming its columns (phone, number...) is a
 * header: the number is taken from the column whose name says so, otherwise from the first column, and the other
 * named columns become the number's variables (empty cells left out). Numbers are cleaned as the API cleans them
 * (spaces, dashes, dots and brackets dropped) and checked as E.164; blank lines are skipped, and duplicates kept once
 * (with the first line's variables).
 */
export function parseNumbers(text: string): { numbers: string[]; contacts: Contact[]; columns: string[]; bad: BadLine[]; duplicates: number } {
  const lines = text.split(/\r\n|\n|\r/);
  let column = 0;
  let start = 0;
  const first = splitCsvLine(lines[0] ?? '');
  if (first.some((c) => /[a-z]/i.test(c)) && first.some((c) => /phone|number|mobile|tel/i.test(c))) {
    column = Math.max(0, first.findIndex((c) => /phone|number|mobile|tel/i.test(c)));
    start = 1;
  }
  const columns = start === 1 ? first.map((c, i) => (i === column ? '' : c)) : [];
  const contacts: Contact[] = [];
  const numbers: string[] = [];
  const bad: BadLine[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (let i = start; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = splitCsvLine(lines[i]);
    const raw = cells[column] ?? '';
    const n = raw.replace(separators, '');
    if (!e164.test(n)) {
      bad.push({ line: i + 1, text: lines[i].trim() });
      continue;
    }
    if (seen.has(n)) duplicates++;
    else {
      seen.add(n);
      numbers.push(n);
      const variables: Record<string, string> = {};
      columns.forEach((name, c) => {
        if (name && cells[c]) variables[name] = cells[c];
      });
      if (Object.keys(variables).length > 0) contacts.push({ phone_number: n, variables });
    }
  }
  return { numbers, contacts, columns: columns.filter(Boolean), bad, duplicates };
}

/** The text without the given lines (1-based). */
export function withoutLines(text: string, lines: number[]): string {
  const drop = new Set(lines);
  return text
    .split(/\r\n|\n|\r/)
    .filter((_, i) => !drop.has(i + 1))
    .join('\n');
}
