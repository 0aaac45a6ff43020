//! The graphical report, through miette. Labels in the primary file are drawn
//! with the snippet; labels in other files become related reports with their
//! own snippet, so a cross-check shows both sides.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use lint_source::{Diagnostic, FileId, RuleMeta, Severity, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{meta_of, Resolver};

#[derive(Debug)]
struct Report {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    source: Option<Arc<IndexedSource>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_deref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Note => miette::Severity::Advice,
    }
}

fn label(span: Span, message: &str, text_len: usize) -> LabeledSpan {
    let start = (span.start as usize).min(text_len);
    let len = (span.len()).min(text_len - start);
    LabeledSpan::new(
        if message.is_empty() {
            None
        } else {
            Some(message.to_string())
        },
        start,
        len,
    )
}

/// One file's text for miette, decoded once per run, with where its lines start:
/// miette's own reader walks a text from its first byte for every snippet, and copying
/// the file per report was worse still (32 000 findings in a 0.6 MB file: two minutes).
#[derive(Debug)]
struct IndexedSource {
    name: String,
    text: String,
    /// Byte offsets where lines begin, as miette counts them (after `\n`, `\r\n` or a
    /// lone `\r`).
    line_starts: Vec<usize>,
}

impl IndexedSource {
    fn new(name: String, bytes: &[u8]) -> Self {
        // Lossy decoding keeps offsets for valid UTF-8, which config files nearly always are.
        let text = String::from_utf8_lossy(bytes).into_owned();
        let b = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\r' if b.get(i + 1) == Some(&b'\n') => {
                    i += 2;
                    line_starts.push(i);
                }
                b'\r' | b'\n' => {
                    i += 1;
                    line_starts.push(i);
                }
                _ => i += 1,
            }
        }
        IndexedSource {
            name,
            text,
            line_starts,
        }
    }
}

/// Lines apart within which a related label shares the primary snippet.
const NEAR_LINES: usize = 40;

impl IndexedSource {
    /// The line of a byte offset (0-based).
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// How many lines lie between two spans of this file.
    fn lines_between(&self, a: Span, b: Span) -> usize {
        let (a, b) = (
            self.line_of(a.start as usize),
            self.line_of(b.start as usize),
        );
        a.abs_diff(b)
    }
}

impl SourceCode for IndexedSource {
    /// miette's reading of the text, started a line above the context instead of at the
    /// top of the file: the same contents, line and column (its reader counts lines from
    /// where it starts; the lines skipped are added back).
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let line = self.line_of(span.offset());
        let skipped = line.saturating_sub(context_lines_before + 1);
        let base = self.line_starts.get(skipped).copied().unwrap_or(0);
        let local = SourceSpan::new((span.offset() - base).into(), span.len());
        let part = self.text.as_bytes().get(base..).unwrap_or_default();
        let found = part.read_span(&local, context_lines_before, context_lines_after)?;
        let at = found.span();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            found.data(),
            SourceSpan::new((at.offset() + base).into(), at.len()),
            found.line() + skipped,
            found.column(),
            found.line_count() + skipped,
        )))
    }
}

/// The decoded text of each file a report shows, made on first use.
struct Sources<'r> {
    resolver: &'r Resolver<'r>,
    by_file: HashMap<FileId, Arc<IndexedSource>>,
}

impl Sources<'_> {
    fn of(&mut self, span: Span) -> (Arc<IndexedSource>, usize) {
        let resolver = self.resolver;
        let source = self
            .by_file
            .entry(span.file)
            .or_insert_with(|| {
                let file = resolver.map().get(span.file);
                Arc::new(IndexedSource::new(resolver.path(span), &file.text()))
            })
            .clone();
        let len = source.text.len();
        (source, len)
    }
}

fn report(d: &Diagnostic, sources: &mut Sources<'_>, rules: &[&'static RuleMeta]) -> Report {
    let mut help = d.help.clone();
    for note in &d.notes {
        let h = help.get_or_insert_with(String::new);
        if !h.is_empty() {
            h.push('\n');
        }
        h.push_str("note: ");
        h.push_str(note);
    }
    let mut out = Report {
        message: d.message.clone(),
        code: Some(format!("{}({})", d.code, d.name)),
        severity: severity(d.severity),
        help,
        url: meta_of(d.code, rules).map(|m| m.url()),
        source: None,
        labels: Vec::new(),
        related: Vec::new(),
    };
    let Some(primary) = &d.primary else {
        return out;
    };
    let (src, len) = sources.of(primary.span);
    out.source = Some(src.clone());
    out.labels.push(label(primary.span, &primary.message, len));
    for r in &d.related {
        // A label in the same file is drawn in the primary snippet when it is near;
        // miette draws every line between the labels of one snippet, so a far one
        // (FPM112's first definition, thousands of lines up) gets its own snippet.
        let near = src.lines_between(primary.span, r.span) <= NEAR_LINES;
        if r.span.file == primary.span.file && near {
            out.labels.push(label(r.span, &r.message, len));
        } else {
            let (src, len) = sources.of(r.span);
            out.related.push(Report {
                message: if r.message.is_empty() {
                    "related".into()
                } else {
                    r.message.clone()
                },
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                url: None,
                source: Some(src),
                labels: vec![label(r.span, &r.message, len)],
                related: Vec::new(),
            });
        }
    }
    out
}

/// Writes every diagnostic as a graphical report.
pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
    rules: &[&'static RuleMeta],
    color: bool,
) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100)
        .with_context_lines(1);
    let mut sources = Sources {
        resolver,
        by_file: HashMap::new(),
    };
    for d in diagnostics {
        let mut text = String::new();
        handler
            .render_report(&mut text, &report(d, &mut sources, rules))
            .map_err(io::Error::other)?;
        out.write_all(text.as_bytes())?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The indexed reader gives what miette's own gives for the whole text, for every
    /// span of a text mixing `\n`, `\r\n` and lone `\r` line ends, with and without
    /// context lines.
    #[test]
    fn indexed_reading_is_miettes_reading() {
        let text =
            "events {}\nhttp {\r\n  server {\r    listen 80;\n\n    root /srv;\r\n  }\n}\nlast";
        let indexed = IndexedSource::new("f".into(), text.as_bytes());
        for start in 0..text.len() {
            for len in [0, 1, 3, 12] {
                if start + len > text.len() {
                    continue;
                }
                for context in [0, 1, 2] {
                    let span = SourceSpan::new(start.into(), len);
                    let ours = indexed.read_span(&span, context, context);
                    let theirs = text.as_bytes().read_span(&span, context, context);
                    match (ours, theirs) {
                        (Ok(a), Ok(b)) => {
                            assert_eq!(a.data(), b.data(), "{start}+{len} ±{context}");
                            assert_eq!(a.span(), b.span(), "{start}+{len} ±{context}");
                            assert_eq!(a.line(), b.line(), "{start}+{len} ±{context}");
                            assert_eq!(a.column(), b.column(), "{start}+{len} ±{context}");
                            assert_eq!(a.line_count(), b.line_count(), "{start}+{len} ±{context}");
                        }
                        (a, b) => assert_eq!(a.is_ok(), b.is_ok(), "{start}+{len} ±{context}"),
                    }
                }
            }
        }
    }
}
