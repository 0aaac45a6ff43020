//! JSON and JSON-lines output (schema: docs/json-schema.md).
//!
//! Typed structs serialised as they are made, one diagnostic at a time, straight
//! into the buffered output: no intermediate `serde_json::Value` tree. Fields are
//! declared in alphabetical order, the order of the documents before (a `Value`
//! map sorts its keys), so the output is byte for byte what it was.

use std::io::{self, Write};

use lint_source::{Diagnostic, LineCol, RuleMeta};
use serde::Serialize;

use super::{fingerprints, summary, Place, Resolver, RuleIndex, Streamed};

/// Version of the JSON document; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Pos {
    column: u32,
    line: u32,
}

impl From<LineCol> for Pos {
    fn from(p: LineCol) -> Self {
        Pos {
            column: p.column,
            line: p.line,
        }
    }
}

/// A place with its label (primary and related locations).
#[derive(Serialize)]
struct Labelled<'a> {
    end: Pos,
    file: &'a str,
    label: &'a str,
    length: u32,
    offset: u32,
    start: Pos,
}

impl<'a> Labelled<'a> {
    fn new(p: Place<'a>, label: &'a str) -> Self {
        Labelled {
            end: p.end.into(),
            file: p.path,
            label,
            length: p.length,
            offset: p.offset,
            start: p.start.into(),
        }
    }
}

/// A place with its replacement text (fix edits).
#[derive(Serialize)]
struct Edit<'a> {
    end: Pos,
    file: &'a str,
    length: u32,
    offset: u32,
    replacement: &'a str,
    start: Pos,
}

#[derive(Serialize)]
struct Fix<'a> {
    applicability: &'static str,
    description: &'a str,
    edits: Vec<Edit<'a>>,
}

/// One diagnostic as the JSON document shows it.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    fingerprint: &'a str,
    fix: Option<Fix<'a>>,
    help: Option<&'a str>,
    location: Option<Labelled<'a>>,
    message: &'a str,
    name: &'a str,
    notes: &'a [String],
    related: Vec<Labelled<'a>>,
    severity: &'static str,
    url: Option<String>,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(
        d: &'a Diagnostic,
        fingerprint: &'a str,
        resolver: &'a Resolver<'_>,
        rules: &RuleIndex<'_>,
    ) -> Self {
        JsonDiagnostic {
            code: d.code,
            fingerprint,
            fix: d.fix.as_ref().map(|fix| Fix {
                applicability: fix.applicability.as_str(),
                description: &fix.description,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| {
                        let p = resolver.place(e.span);
                        Edit {
                            end: p.end.into(),
                            file: p.path,
                            length: p.length,
                            offset: p.offset,
                            replacement: &e.replacement,
                            start: p.start.into(),
                        }
                    })
                    .collect(),
            }),
            help: d.help.as_deref(),
            location: d
                .primary
                .as_ref()
                .map(|p| Labelled::new(resolver.place(p.span), &p.message)),
            message: &d.message,
            name: d.name,
            notes: &d.notes,
            related: d
                .related
                .iter()
                .map(|r| Labelled::new(resolver.place(r.span), &r.message))
                .collect(),
            severity: d.severity.as_str(),
            url: rules.get(d.code).map(|(_, m)| m.url()),
        }
    }
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    notes: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Document<'a, 'r> {
    diagnostics: Streamed<'a, 'r, JsonDiagnostic<'a>>,
    summary: Summary,
    tool: Tool,
    version: u32,
}

/// The whole report as one document.
pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
    rules: &[&'static RuleMeta],
) -> io::Result<()> {
    let (errors, warnings, notes) = summary(diagnostics);
    let index = RuleIndex::new(rules);
    let prints = fingerprints(diagnostics, resolver);
    let doc = Document {
        diagnostics: Streamed {
            make: JsonDiagnostic::new,
            list: diagnostics,
            prints: &prints,
            resolver,
            rules: &index,
        },
        summary: Summary {
            errors,
            notes,
            warnings,
        },
        tool: Tool {
            name: "nginx-fpm-lint",
            version: env!("CARGO_PKG_VERSION"),
        },
        version: super::SCHEMA_VERSION,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// One diagnostic per line.
pub fn render_lines(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
    rules: &[&'static RuleMeta],
) -> io::Result<()> {
    let index = RuleIndex::new(rules);
    let prints = fingerprints(diagnostics, resolver);
    for (d, print) in diagnostics.iter().zip(&prints) {
        serde_json::to_writer(&mut *out, &JsonDiagnostic::new(d, print, resolver, &index))?;
        writeln!(out)?;
    }
    Ok(())
}
