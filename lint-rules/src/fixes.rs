//! Building fixes on the original bytes: nginx statements re-read from their span (for
//! argument and block positions the model does not keep), php-fpm entries set in place or
//! added on a line of their own.

use std::sync::Arc;

use fpm_conf_parser::Pool;
use lint_source::edits;
use lint_source::{Edit, FileId, SourceMap, Span};

/// An nginx statement re-read from its bytes, with absolute spans.
#[derive(Debug)]
pub struct Statement {
    /// The directive name.
    pub name: Span,
    /// Each argument's span (quotes included) and value.
    pub args: Vec<(Span, String)>,
    /// The `{` of its block, when it has one.
    pub open: Option<usize>,
    /// Where the first statement inside the block starts.
    pub first_inner: Option<usize>,
    /// The file's bytes.
    pub text: Arc<[u8]>,
}

/// Re-reads the statement written at `span` (as the model recorded it).
pub fn statement(map: &SourceMap, span: Span) -> Option<Statement> {
    let file = map.get(span.file);
    let text = Arc::clone(&file.text);
    let range = span.range();
    let slice = text.get(range.clone())?;
    let (parsed, _) = nginx_conf_parser::parse_file(FileId(u32::MAX), Arc::from(slice));
    let d = parsed.directives.first()?;
    let at = |s: Span| {
        Span::new(
            span.file,
            range.start + s.start as usize,
            range.start + s.end as usize,
        )
    };
    Some(Statement {
        name: at(d.name.span),
        args: d
            .args
            .iter()
            .map(|t| (at(t.span), parsed.str(t).into_owned()))
            .collect(),
        open: d
            .block
            .as_ref()
            .map(|b| range.start + b.span.start as usize),
        first_inner: d
            .block
            .as_ref()
            .and_then(|b| b.directives.first())
            .map(|f| range.start + f.span.start as usize),
        text,
    })
}

/// Inserts `new` after the statement at `span`.
pub fn after(map: &SourceMap, span: Span, new: &str) -> Edit {
    let file = map.get(span.file);
    edits::insert_after(span.file, &file.text, span.end as usize, new)
}

/// Inserts `new` before the statement at `span`.
pub fn before(map: &SourceMap, span: Span, new: &str) -> Edit {
    let file = map.get(span.file);
    edits::insert_before(span.file, &file.text, span.start as usize, new)
}

/// Inserts `new` as the first statement of the block statement at `span`.
pub fn first_in_block(map: &SourceMap, span: Span, new: &str) -> Option<Edit> {
    let s = statement(map, span)?;
    Some(edits::insert_first_in_block(
        span.file,
        &s.text,
        s.open?,
        s.first_inner,
        new,
    ))
}

/// Replaces the value of a php-fpm entry (its trailing blanks kept).
pub fn fpm_value(map: &SourceMap, value_span: Span, value: &str) -> Edit {
    let file = map.get(value_span.file);
    Edit::replace(edits::trim_end(&file.text, value_span), value)
}

/// Sets php-fpm keys of a pool: each existing entry (the effective one) is changed in
/// place; missing keys are added together on new lines after the pool's `listen` line
/// when the key is a `listen.*` one, else after the pool's `[name]` header.
pub fn fpm_set(map: &SourceMap, pool: &Pool, settings: &[(&str, String)]) -> Vec<Edit> {
    let mut out = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for (key, value) in settings {
        match pool.get(key) {
            Some(e) => out.push(fpm_value(map, e.value_span, value)),
            None => missing.push(format!("{key} = {value}")),
        }
    }
    if !missing.is_empty() {
        let anchor = settings
            .iter()
            .all(|(k, _)| k.starts_with("listen."))
            .then(|| pool.get("listen").map(|e| e.value_span))
            .flatten()
            .unwrap_or(pool.name_span);
        let file = map.get(anchor.file);
        // Every added line gets the anchor's indentation.
        let indent = edits::indent_at(&file.text, anchor.start as usize);
        out.push(edits::insert_line_after(
            anchor.file,
            &file.text,
            anchor.start as usize,
            &missing.join(&format!("\n{indent}")),
        ));
    }
    out
}

/// The bytes of `span` as written (quotes included), when they are UTF-8.
pub fn written(map: &SourceMap, span: Span) -> Option<String> {
    let file = map.get(span.file);
    let bytes = file.text.get(span.range())?;
    std::str::from_utf8(bytes).ok().map(str::to_string)
}

/// Removes the argument at `span` with the blanks before it (`a none b` → `a b`).
pub fn remove_arg(map: &SourceMap, span: Span) -> Edit {
    let file = map.get(span.file);
    let range = span.range();
    let mut start = range.start.min(file.text.len());
    while start > 0 && matches!(file.text[start - 1], b' ' | b'\t') {
        start -= 1;
    }
    Edit::replace(Span::new(span.file, start, range.end), "")
}

/// A value that can be written as one bare nginx word (no quoting needed).
pub fn bare_word(value: &str) -> bool {
    !value.is_empty()
        && !value
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b";{}\"'#\\$".contains(&b))
}
