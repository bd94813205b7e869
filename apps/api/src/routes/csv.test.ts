import { csvCell, csvLine } from "./csv";

describe("CSV downloads", () => {
  it("prefixes cells a spreadsheet would run as a formula", () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell("+1+2")).toBe("'+1+2");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=1")).toBe("'\t=1");
  });

  it("leaves ordinary text and numbers as they are", () => {
    expect(csvCell("Alex Morgan")).toBe("Alex Morgan");
    expect(csvCell("alex@contoso.com")).toBe("alex@contoso.com");
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(null)).toBe("");
  });

  it("quotes commas, quotes and line breaks", () => {
    expect(csvCell('Morgan, "Alex"')).toBe('"Morgan, ""Alex"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvLine(["a", "b,c", null])).toBe('a,"b,c",\r\n');
  });
});
