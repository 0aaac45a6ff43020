//! Builders of [`Edit`]s that respect a file's layout: a new statement goes on a line of
//! its own, indented like its neighbours, unless the neighbour shares its line with
//! more code (a one-line block), where it joins that line.

use crate::diagnostic::Edit;
use crate::source_map::{FileId, Span};

/// Whether the bytes are only blanks, optionally followed by a comment (`#` or `;`).
fn blank_or_comment(rest: &[u8]) -> bool {
    let trimmed: Vec<u8> = rest
        .iter()
        .copied()
        .skip_while(|b| *b == b' ' || *b == b'\t' || *b == b'\r')
        .collect();
    trimmed.is_empty() || trimmed[0] == b'#' || trimmed[0] == b';'
}

/// The start of the line that holds `offset`.
pub fn line_start(text: &[u8], offset: usize) -> usize {
    let offset = offset.min(text.len());
    text[..offset]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1)
}

/// The end of the line that holds `offset` (its `\n`, or the end of the file).
pub fn line_end(text: &[u8], offset: usize) -> usize {
    let offset = offset.min(text.len());
    text[offset..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(text.len(), |p| offset + p)
}

/// The blanks that open the line holding `offset`.
pub fn indent_at(text: &[u8], offset: usize) -> String {
    let start = line_start(text, offset);
    text[start..]
        .iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .map(|b| *b as char)
        .collect()
}

/// One level of indentation as the file writes it (a tab when its indents are tabs).
fn unit(indent: &str) -> &'static str {
    if indent.contains('\t') {
        "\t"
    } else {
        "    "
    }
}

/// Inserts `statement` after a statement that ends at `end` (just past its `;` or `}`).
pub fn insert_after(file: FileId, text: &[u8], end: usize, statement: &str) -> Edit {
    let end = end.min(text.len());
    let eol = line_end(text, end);
    if blank_or_comment(&text[end..eol]) {
        let indent = indent_at(text, end.saturating_sub(1));
        Edit::insert(Span::point(file, eol), format!("\n{indent}{statement}"))
    } else {
        Edit::insert(Span::point(file, end), format!(" {statement}"))
    }
}

/// Inserts `statement` before the statement that starts at `start`.
pub fn insert_before(file: FileId, text: &[u8], start: usize, statement: &str) -> Edit {
    let start = start.min(text.len());
    let bol = line_start(text, start);
    if text[bol..start].iter().all(|b| *b == b' ' || *b == b'\t') {
        let indent = indent_at(text, start);
        Edit::insert(Span::point(file, start), format!("{statement}\n{indent}"))
    } else {
        Edit::insert(Span::point(file, start), format!("{statement} "))
    }
}

/// Inserts `statement` as the first statement of the block whose `{` is at `open`.
/// `first` is where the block's first statement starts, when it has one.
pub fn insert_first_in_block(
    file: FileId,
    text: &[u8],
    open: usize,
    first: Option<usize>,
    statement: &str,
) -> Edit {
    let after = (open + 1).min(text.len());
    let eol = line_end(text, after);
    if blank_or_comment(&text[after..eol]) {
        let outer = indent_at(text, open);
        let inner = match first {
            Some(f) if line_start(text, f) > open => indent_at(text, f),
            _ => format!("{outer}{}", unit(&outer)),
        };
        Edit::insert(Span::point(file, eol), format!("\n{inner}{statement}"))
    } else {
        Edit::insert(Span::point(file, after), format!(" {statement}"))
    }
}

/// Inserts a whole line after the line that holds `offset` (php-fpm entries), indented
/// like it.
pub fn insert_line_after(file: FileId, text: &[u8], offset: usize, line: &str) -> Edit {
    let eol = line_end(text, offset);
    let indent = indent_at(text, offset);
    Edit::insert(Span::point(file, eol), format!("\n{indent}{line}"))
}

/// Deletes the statement at `span`: its whole line, newline included, when nothing else
/// stands on that line (no blank line is left behind), else the statement alone.
///
/// ```
/// use lint_source::{edits::delete_statement, FileId, Span};
/// let text = b"    a 1;\n    b 2;\n";
/// let edit = delete_statement(FileId(0), text, Span::new(FileId(0), 13, 17));
/// assert_eq!((edit.span.start, edit.span.end), (9, 18));
/// ```
pub fn delete_statement(file: FileId, text: &[u8], span: Span) -> Edit {
    let (start, end) = (span.start as usize, (span.end as usize).min(text.len()));
    let first = line_start(text, start);
    let last = line_end(text, end);
    let blank = |b: &[u8]| b.iter().all(|c| matches!(c, b' ' | b'\t' | b'\r'));
    if blank(&text[first..start]) && blank(&text[end..last]) {
        Edit::delete(Span::new(file, first, (last + 1).min(text.len())))
    } else {
        Edit::delete(Span::new(file, start, end))
    }
}

/// `span` without the blanks (and `\r`) it ends with: a php-fpm value runs to the comment
/// or the end of the line, blanks included.
pub fn trim_end(text: &[u8], span: Span) -> Span {
    let mut end = (span.end as usize).min(text.len());
    let start = (span.start as usize).min(end);
    while end > start && matches!(text[end - 1], b' ' | b'\t' | b'\r') {
        end -= 1;
    }
    Span::new(span.file, start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, e: &Edit) -> String {
        let mut s = text.to_string();
        s.replace_range(e.span.range(), &e.replacement);
        s
    }

    #[test]
    fn statements_go_on_their_own_line_unless_the_block_is_one_line() {
        let f = FileId(0);
        let text = "server {\n    listen 80; # web\n}\n";
        let end = text.find(';').unwrap() + 1;
        let e = insert_after(f, text.as_bytes(), end, "http2 on;");
        assert_eq!(
            apply(text, &e),
            "server {\n    listen 80; # web\n    http2 on;\n}\n"
        );
        let text = "events { worker_connections 64; }\n";
        let end = text.find(';').unwrap() + 1;
        let e = insert_after(f, text.as_bytes(), end, "x;");
        assert_eq!(apply(text, &e), "events { worker_connections 64; x; }\n");
        let text = "location / {\n\tindex a;\n}\n";
        let e = insert_first_in_block(f, text.as_bytes(), 11, Some(14), "y;");
        assert_eq!(apply(text, &e), "location / {\n\ty;\n\tindex a;\n}\n");
        let text = "  a;\n";
        let e = insert_before(f, text.as_bytes(), 2, "b;");
        assert_eq!(apply(text, &e), "  b;\n  a;\n");
    }
}
