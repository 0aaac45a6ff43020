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
    let text = file.text();
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
    edits::insert_after(span.file, &file.text(), span.end as usize, new)
}

/// Inserts `new` before the statement at `span`.
pub fn before(map: &SourceMap, span: Span, new: &str) -> Edit {
    let file = map.get(span.file);
    edits::insert_before(span.file, &file.text(), span.start as usize, new)
}

/// Inserts `new` as the first statement of the block statement at `span`.
pub fn first_in_block(map: &SourceMap, span: Span, new: &str) -> Option<Edit> {
    let (open, first_inner) = block_start(map, span)?;
    let file = map.get(span.file);
    Some(edits::insert_first_in_block(
        span.file,
        &file.text(),
        open?,
        first_inner,
        new,
    ))
}

/// The `{` of the block statement at `span` and where its first statement starts, as
/// [`statement`] reads them, from as little of the statement as tells them: a prefix of
/// it, doubled until it holds the first inner statement's `;` or `{` (or is the whole
/// statement). The parser makes a statement only at its `;` or `{`, so a statement found
/// in a prefix is the one the whole text has. Re-reading the whole block was a copy and
/// a parse of the file when the block is `http` (SEC086's fix: 7.5 MiB of text and its
/// tokens at the peak of a `server_name` of 400 000 names).
fn block_start(map: &SourceMap, span: Span) -> Option<(Option<usize>, Option<usize>)> {
    let text = map.get(span.file).text();
    let range = span.range();
    let whole = text.get(range.clone())?;
    let mut len = whole.len().min(4096);
    loop {
        let (parsed, _) = nginx_conf_parser::parse_file(FileId(u32::MAX), Arc::from(&whole[..len]));
        let d = parsed.directives.first();
        let first = d
            .and_then(|d| d.block.as_ref())
            .and_then(|b| b.directives.first());
        if len == whole.len() || first.is_some() {
            let d = d?;
            return Some((
                d.block
                    .as_ref()
                    .map(|b| range.start + b.span.start as usize),
                first.map(|f| range.start + f.span.start as usize),
            ));
        }
        len = whole.len().min(len.saturating_mul(2));
    }
}

/// Replaces the value of a php-fpm entry (its trailing blanks kept).
pub fn fpm_value(map: &SourceMap, value_span: Span, value: &str) -> Edit {
    let file = map.get(value_span.file);
    Edit::replace(edits::trim_end(&file.text(), value_span), value)
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
        let indent = edits::indent_at(&file.text(), anchor.start as usize);
        out.push(edits::insert_line_after(
            anchor.file,
            &file.text(),
            anchor.start as usize,
            &missing.join(&format!("\n{indent}")),
        ));
    }
    out
}

/// The bytes of `span` as written (quotes included), when they are UTF-8.
pub fn written(map: &SourceMap, span: Span) -> Option<String> {
    let text = map.get(span.file).text();
    let bytes = text.get(span.range())?;
    std::str::from_utf8(bytes).ok().map(str::to_string)
}

/// Removes the argument at `span` with the blanks before it (`a none b` → `a b`).
pub fn remove_arg(map: &SourceMap, span: Span) -> Edit {
    let text = map.get(span.file).text();
    let range = span.range();
    let mut start = range.start.min(text.len());
    while start > 0 && matches!(text[start - 1], b' ' | b'\t') {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The block's `{` and first statement read from a prefix are those the whole
    /// statement gives, whatever the length of the block and of the text before its
    /// first statement (comments, a long header).
    #[test]
    fn a_block_start_read_from_a_prefix_is_the_whole_statements() {
        let long_comment = format!("# {}\n", "c".repeat(9000));
        let names = (0..3000)
            .map(|i| format!("h{i}.test"))
            .collect::<Vec<_>>()
            .join(" ");
        let texts = [
            format!("http {{\n  server {{ server_name {names}; }}\n  server_tokens on;\n}}\n"),
            format!("http {{\n{long_comment}  gzip on;\n  server {{ listen 80; }}\n}}\n"),
            format!("server {{ server_name {names}; listen 80; }}\n"),
            format!("http {{ {long_comment} }}\n"),
            "http { }\n".to_string(),
            "content_by_lua_block { ngx.say(1) }\n".to_string(),
        ];
        for text in texts {
            let map = SourceMap::new();
            let id = map.add(lint_source::SourceFile::new(
                "t.conf".into(),
                None,
                lint_source::FileKind::Nginx,
                Arc::from(text.as_bytes()),
            ));
            let len = text.trim_end().len();
            let span = Span::new(id, 0, len);
            let s = statement(&map, span).expect("a statement");
            assert_eq!(
                block_start(&map, span),
                Some((s.open, s.first_inner)),
                "{}",
                &text[..40.min(text.len())]
            );
            let edit = first_in_block(&map, span, "x on;");
            let whole = edits::insert_first_in_block(
                id,
                &s.text,
                s.open.expect("a block"),
                s.first_inner,
                "x on;",
            );
            assert_eq!(edit, Some(whole));
        }
    }
}
