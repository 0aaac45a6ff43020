//! Renderers: one diagnostic model, several outputs.

mod github;
mod json;
mod pretty;
mod sarif;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use lint_source::{Diagnostic, LineCol, RuleMeta, Severity, SourceMap, Span};

use crate::args::Format;

pub use json::SCHEMA_VERSION;

/// A span resolved for output: display path, byte range, line/column range.
#[derive(Clone, Debug)]
pub struct Place {
    /// Path relative to the current directory when possible.
    pub path: String,
    /// Byte offset.
    pub offset: u32,
    /// Byte length.
    pub length: u32,
    /// Start.
    pub start: LineCol,
    /// End.
    pub end: LineCol,
}

/// Turns spans into places with paths relative to `base`.
pub struct Resolver<'a> {
    map: &'a SourceMap,
    base: PathBuf,
}

impl<'a> Resolver<'a> {
    /// A resolver relative to `base` (usually the current directory).
    pub fn new(map: &'a SourceMap, base: PathBuf) -> Self {
        Resolver { map, base }
    }

    /// The display path of a file.
    pub fn path(&self, span: Span) -> String {
        let file = self.map.get(span.file);
        let shown: &Path = file.disk_path.as_deref().unwrap_or(&file.path);
        let rel = shown.strip_prefix(&self.base).unwrap_or(shown);
        // One spelling per file: `./etc/x` (a `--root .` or discovered tree) and `etc/x`
        // (an argument) are the same file, shown without the leading `./`.
        let clean: PathBuf = rel
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        if clean.as_os_str().is_empty() {
            ".".to_string()
        } else {
            clean.display().to_string()
        }
    }

    /// Resolves a span.
    pub fn place(&self, span: Span) -> Place {
        let file = self.map.get(span.file);
        Place {
            path: self.path(span),
            offset: span.start,
            length: span.end - span.start,
            start: file.line_col(span.start),
            end: file.line_col(span.end),
        }
    }

    /// The source map.
    pub fn map(&self) -> &SourceMap {
        self.map
    }
}

/// Counts per severity.
pub fn summary(diagnostics: &[Diagnostic]) -> (usize, usize, usize) {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    )
}

fn summary_line(diagnostics: &[Diagnostic]) -> String {
    let (e, w, n) = summary(diagnostics);
    if diagnostics.is_empty() {
        "No problems found.".to_string()
    } else {
        format!(
            "Found {} problem{} ({e} error{}, {w} warning{}, {n} note{}).",
            diagnostics.len(),
            plural(diagnostics.len()),
            plural(e),
            plural(w),
            plural(n)
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `file:line:col: CODE [severity] message`.
pub fn concise(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
) -> io::Result<()> {
    for d in diagnostics {
        match &d.primary {
            Some(p) => {
                let place = resolver.place(p.span);
                writeln!(
                    out,
                    "{}:{}:{}: {} [{}] {}",
                    place.path,
                    place.start.line,
                    place.start.column,
                    d.code,
                    d.severity.as_str(),
                    d.message
                )?;
            }
            None => writeln!(out, "{} [{}] {}", d.code, d.severity.as_str(), d.message)?,
        }
    }
    writeln!(out, "{}", summary_line(diagnostics))
}

/// Writes the report in `format`.
pub fn render(
    format: Format,
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
    rules: &[&'static RuleMeta],
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Concise => concise(out, diagnostics, resolver),
        Format::Pretty => {
            pretty::render(out, diagnostics, resolver, rules, color)?;
            writeln!(out, "{}", summary_line(diagnostics))
        }
        Format::Json => json::render(out, diagnostics, resolver, rules),
        Format::JsonLines => json::render_lines(out, diagnostics, resolver, rules),
        Format::Sarif => sarif::render(out, diagnostics, resolver, rules),
        Format::Github => {
            github::render(out, diagnostics, resolver)?;
            concise(out, diagnostics, resolver)
        }
    }
}

/// The rule metadata of a diagnostic.
pub fn meta_of<'r>(code: &str, rules: &[&'r RuleMeta]) -> Option<&'r RuleMeta> {
    rules.iter().find(|r| r.code == code).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_has_one_spelling() {
        let map = SourceMap::new();
        let dotted = map.add_text("./etc/nginx/nginx.conf", lint_source::FileKind::Nginx, "");
        let plain = map.add_text(
            "etc/php/8.2/fpm/php-fpm.conf",
            lint_source::FileKind::Fpm,
            "",
        );
        let inside = map.add_text("/work/x/./etc/a.conf", lint_source::FileKind::Nginx, "");
        let resolver = Resolver::new(&map, PathBuf::from("/work/x"));
        assert_eq!(
            resolver.path(Span::point(dotted, 0)),
            "etc/nginx/nginx.conf"
        );
        assert_eq!(
            resolver.path(Span::point(plain, 0)),
            "etc/php/8.2/fpm/php-fpm.conf"
        );
        assert_eq!(resolver.path(Span::point(inside, 0)), "etc/a.conf");
    }
}
