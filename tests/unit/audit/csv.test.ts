import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "@/lib/audit/csv";

describe("CSV cells", () => {
  it("neutralises cells a spreadsheet would run as a formula", () => {
    for (const value of ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")"]) {
      const cell = (parse(csvRow([value])) as string[][])[0]?.[0];
      expect(cell, JSON.stringify(value)).toBe(`'${value}`);
    }
  });

  it("leaves other cells alone and quotes only what RFC 4180 requires", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(null)).toBe("");
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvRow(["1", null, "x"])).toBe("1,,x\r\n");
  });

  it("round-trips any row through a CSV parser", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 6 }), (values) => {
        const [row] = parse(csvRow(values), { relax_column_count: false }) as string[][];
        expect(row).toEqual(values.map((v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)));
      }),
    );
  });
});
