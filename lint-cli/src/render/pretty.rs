//! The graphical report, through miette. Labels in the primary file are drawn
//! with the snippet; labels in other files become related reports with their
//! own snippet, so a cross-check shows both sides.

use std::fmt;
use std::io::{self, Write};

use lint_source::{Diagnostic, RuleMeta, Severity, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::{meta_of, Resolver};

#[derive(Debug)]
struct Report {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    source: Option<NamedSource<String>>,
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
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
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

fn source(resolver: &Resolver<'_>, span: Span) -> (NamedSource<String>, usize) {
    let file = resolver.map().get(span.file);
    // Lossy decoding keeps offsets for valid UTF-8, which config files nearly always are.
    let text = String::from_utf8_lossy(&file.text).into_owned();
    let len = text.len();
    (NamedSource::new(resolver.path(span), text), len)
}

fn report(d: &Diagnostic, resolver: &Resolver<'_>, rules: &[&'static RuleMeta]) -> Report {
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
    let (src, len) = source(resolver, primary.span);
    out.source = Some(src);
    out.labels.push(label(primary.span, &primary.message, len));
    for r in &d.related {
        if r.span.file == primary.span.file {
            out.labels.push(label(r.span, &r.message, len));
        } else {
            let (src, len) = source(resolver, r.span);
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
    for d in diagnostics {
        let mut text = String::new();
        handler
            .render_report(&mut text, &report(d, resolver, rules))
            .map_err(io::Error::other)?;
        out.write_all(text.as_bytes())?;
        writeln!(out)?;
    }
    Ok(())
}
