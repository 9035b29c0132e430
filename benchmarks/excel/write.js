// Writes the cells critpath wrote (cells.json, from main.go) with
// exceljs's streaming writer — the same values, number formats, fills,
// bold headers and indents — and prints the time spent writing, without
// reading the JSON.
//
//   node write.js cells.json out.xlsx
const fs = require('fs');
const ExcelJS = require('exceljs');

async function main() {
  const [, , input, output] = process.argv;
  const doc = JSON.parse(fs.readFileSync(input, 'utf8'));
  const start = process.hrtime.bigint();
  const styles = {};
  for (const [id, s] of Object.entries(doc.styles)) {
    const st = {};
    if (s.numFmt) st.numFmt = s.numFmt;
    if (s.fill) st.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF' + s.fill.replace('#', '') } };
    if (s.bold) st.font = { bold: true };
    if (s.indent) st.alignment = { indent: s.indent };
    styles[id] = st;
  }
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: output, useStyles: true, useSharedStrings: false });
  for (const sheet of doc.sheets) {
    const ws = wb.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    for (const cells of sheet.rows) {
      const values = cells.map((c) => (Array.isArray(c) ? c[0] : c));
      const row = ws.addRow(values);
      cells.forEach((c, i) => {
        if (Array.isArray(c)) row.getCell(i + 1).style = styles[c[1]];
      });
      row.commit();
    }
    ws.commit();
  }
  await wb.commit();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`exceljs write: ${ms.toFixed(0)} ms`);
}

main().catch((e) => { console.error(e); process.exit(1); });
