//! The text flow of a word-processor document (Word, OpenDocument), as
//! its reader meets it: paragraphs, text boxes inside paragraphs, tables,
//! page breaks and note marks. It writes one line per paragraph or table
//! row, the lines of a text box after the paragraph holding it, and the
//! notes after the body.

use super::Writer;

#[derive(Default)]
struct Table {
    cells: Vec<String>,
    cell: String,
}

#[derive(Default)]
pub(super) struct Flow {
    out: Writer,
    page: usize,
    /// Open text boxes, innermost last: the paragraph being read in each.
    boxes: Vec<String>,
    /// Paragraphs of text boxes, written after the paragraph holding them.
    box_lines: Vec<String>,
    tables: Vec<Table>,
    /// Notes in the order of their marks: (mark, lines).
    notes: Vec<(String, Vec<String>)>,
}

impl Flow {
    pub(super) fn new() -> Self {
        let mut flow = Flow::default();
        flow.out.start_page(0);
        flow
    }

    /// Text of the current paragraph.
    pub(super) fn text(&mut self, s: &str) {
        if let Some(b) = self.boxes.last_mut() {
            b.push_str(s);
        } else if let Some(t) = self.tables.last_mut() {
            t.cell.push_str(s);
        } else {
            self.out.push(s);
        }
    }

    /// A line break inside a paragraph: a new line in the body, a space in
    /// a table cell (a row stays one line).
    pub(super) fn line_break(&mut self) {
        self.break_line(false);
    }

    /// The end of a paragraph: as a line break, and in the body the text
    /// boxes it held follow it.
    pub(super) fn end_paragraph(&mut self) {
        self.break_line(true);
    }

    fn break_line(&mut self, paragraph: bool) {
        if let Some(b) = self.boxes.last_mut() {
            self.box_lines.push(std::mem::take(b));
        } else if let Some(t) = self.tables.last_mut() {
            t.cell.push(' ');
        } else {
            self.out.end_line();
            if paragraph {
                self.flush_boxes();
            }
        }
    }

    fn flush_boxes(&mut self) {
        for line in std::mem::take(&mut self.box_lines) {
            self.out.push(&line);
            self.out.end_line();
        }
    }

    pub(super) fn open_box(&mut self) {
        self.boxes.push(String::new());
    }

    pub(super) fn close_box(&mut self) {
        if let Some(rest) = self.boxes.pop() {
            self.box_lines.push(rest);
        }
    }

    pub(super) fn open_table(&mut self) {
        if self.tables.is_empty() && self.boxes.is_empty() {
            self.out.end_line();
        }
        self.tables.push(Table::default());
    }

    pub(super) fn open_cell(&mut self) {
        if let Some(t) = self.tables.last_mut() {
            t.cell.clear();
        }
    }

    pub(super) fn close_cell(&mut self) {
        if let Some(t) = self.tables.last_mut() {
            // Tabs inside a cell would split it: they become spaces.
            let cell = t.cell.replace('\t', " ");
            t.cells.push(cell.split_whitespace().collect::<Vec<_>>().join(" "));
            t.cell.clear();
        }
    }

    pub(super) fn close_row(&mut self) {
        let Some(t) = self.tables.last_mut() else { return };
        let row = std::mem::take(&mut t.cells).join("\t");
        if self.tables.len() > 1 {
            // A table inside a cell: its rows stay in the outer cell.
            let n = self.tables.len();
            let outer = &mut self.tables[n - 2];
            outer.cell.push(' ');
            outer.cell.push_str(&row);
        } else if let Some(b) = self.boxes.last_mut() {
            b.push_str(&row);
            self.box_lines.push(std::mem::take(b));
        } else {
            self.out.push(&row);
            self.out.end_line();
        }
    }

    pub(super) fn close_table(&mut self) {
        self.tables.pop();
        if self.tables.is_empty() && self.boxes.is_empty() {
            self.flush_boxes();
        }
    }

    /// The next page starts here.
    pub(super) fn page_break(&mut self) {
        self.page += 1;
        self.out.start_page(self.page);
    }

    /// A note mark in the text, its note (`lines`) to come after the body.
    pub(super) fn note(&mut self, mark: String, lines: Vec<String>) {
        self.text(&mark);
        self.notes.push((mark, lines));
    }

    pub(super) fn finish(mut self) -> (String, Vec<usize>) {
        self.out.end_line();
        self.flush_boxes();
        for (mark, lines) in std::mem::take(&mut self.notes) {
            let mut lines = lines.into_iter().filter(|l| !l.trim().is_empty());
            let first = lines.next().unwrap_or_default();
            self.out.push(&format!("{mark} {first}"));
            self.out.end_line();
            for line in lines {
                self.out.push(&line);
                self.out.end_line();
            }
        }
        self.out.finish()
    }
}

/// `n` as a lower-case Roman numeral (Word's endnote marks: i, ii, iii).
pub(super) fn roman(mut n: usize) -> String {
    const DIGITS: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_tables_and_notes_find_their_places() {
        let mut f = Flow::new();
        f.text("Para ");
        f.open_box();
        f.text("in a box");
        f.end_paragraph();
        f.close_box();
        f.text("one");
        f.note("[1]".into(), vec!["A note.".into(), "".into(), "Its second line.".into()]);
        f.end_paragraph();
        f.open_table();
        f.open_cell();
        f.text("a\tb");
        f.end_paragraph();
        f.close_cell();
        f.open_cell();
        f.close_cell();
        f.open_cell();
        f.text("c");
        f.close_cell();
        f.close_row();
        f.close_table();
        f.page_break();
        f.text("Page two");
        f.end_paragraph();
        let (text, pages) = f.finish();
        assert_eq!(text, "Para one[1]\nin a box\na b\t\tc\nPage two\n[1] A note.\nIts second line.");
        assert_eq!(pages, vec![0, text.find("Page two").unwrap()]);
        assert_eq!((roman(1), roman(4), roman(14)), ("i".into(), "iv".into(), "xiv".into()));
    }
}
