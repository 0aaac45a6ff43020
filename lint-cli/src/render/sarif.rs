//! SARIF 2.1.0 for code scanning.
//!
//! Typed structs serialised straight into the buffered output, results made one
//! at a time. Fields are declared in alphabetical order, the order of the log
//! before (it was built as a `serde_json::Value`, whose maps sort their keys).

use std::io::{self, Write};

use lint_source::{Diagnostic, RuleMeta, Severity};
use serde::Serialize;

use super::{fingerprints, Place, Resolver, RuleIndex, Streamed};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    byte_length: u32,
    byte_offset: u32,
    end_column: u32,
    end_line: u32,
    start_column: u32,
    start_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
    physical_location: PhysicalLocation,
}

impl<'a> Location<'a> {
    fn new(p: Place<'_>, message: &'a str, id: Option<usize>) -> Self {
        Location {
            id,
            message: (!message.is_empty()).then_some(Text { text: message }),
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: p.path.replace('\\', "/"),
                },
                region: Region {
                    byte_length: p.length,
                    byte_offset: p.offset,
                    end_column: p.end.column,
                    end_line: p.end.line,
                    start_column: p.start.column,
                    start_line: p.start.line,
                },
            },
        }
    }
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: Vec<Location<'a>>,
    message: OwnedText,
    partial_fingerprints: PartialFingerprints<'a>,
    related_locations: Vec<Location<'a>>,
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
}

/// The linter's own fingerprint, under a versioned name as SARIF asks: code scanning
/// then tracks a finding across commits by it rather than by its line.
#[derive(Serialize)]
struct PartialFingerprints<'a> {
    #[serde(rename = "nginxFpmLint/v1")]
    linter: &'a str,
}

impl<'a> SarifResult<'a> {
    fn new(
        d: &'a Diagnostic,
        fingerprint: &'a str,
        resolver: &Resolver<'_>,
        rules: &RuleIndex<'_>,
    ) -> Self {
        let text = match &d.help {
            Some(help) => format!("{} (help: {help})", d.message),
            None => d.message.clone(),
        };
        SarifResult {
            level: level(d.severity),
            locations: d
                .primary
                .iter()
                .map(|p| Location::new(resolver.place(p.span), &p.message, None))
                .collect(),
            message: OwnedText { text },
            partial_fingerprints: PartialFingerprints {
                linter: fingerprint,
            },
            related_locations: d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| Location::new(resolver.place(r.span), &r.message, Some(i + 1)))
                .collect(),
            rule_id: d.code,
            rule_index: rules.get(d.code).map(|(i, _)| i),
        }
    }
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct Help {
    markdown: &'static str,
    text: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    default_configuration: Level,
    full_description: Text<'static>,
    help: Help,
    help_uri: String,
    id: &'static str,
    name: &'static str,
    short_description: Text<'static>,
}

impl Rule {
    fn new(r: &'static RuleMeta) -> Self {
        Rule {
            default_configuration: Level {
                level: level(r.severity),
            },
            full_description: Text { text: r.summary },
            help: Help {
                markdown: r.doc,
                text: r.fix,
            },
            help_uri: r.url(),
            id: r.code,
            name: r.name,
            short_description: Text { text: r.summary },
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<Rule>,
    version: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a, 'r> {
    column_kind: &'static str,
    results: Streamed<'a, 'r, SarifResult<'a>>,
    tool: Tool,
}

#[derive(Serialize)]
struct Log<'a, 'r> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a, 'r>; 1],
    version: &'static str,
}

/// Writes one SARIF log with one run.
pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
    rules: &[&'static RuleMeta],
) -> io::Result<()> {
    let index = RuleIndex::new(rules);
    let prints = fingerprints(diagnostics, resolver);
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            column_kind: "unicodeCodePoints",
            results: Streamed {
                make: SarifResult::new,
                list: diagnostics,
                prints: &prints,
                resolver,
                rules: &index,
            },
            tool: Tool {
                driver: Driver {
                    information_uri: "https://github.com/nginx-fpm-lint/nginx-fpm-lint",
                    name: "nginx-fpm-lint",
                    rules: rules.iter().map(|r| Rule::new(r)).collect(),
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
