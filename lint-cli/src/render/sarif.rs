//! SARIF 2.1.0 for code scanning.

use std::io::{self, Write};

use lint_source::{Diagnostic, RuleMeta, Severity};
use serde_json::{json, Value};

use super::{Place, Resolver};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn location(p: &Place, message: &str) -> Value {
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": p.path.replace('\\', "/") },
            "region": {
                "startLine": p.start.line,
                "startColumn": p.start.column,
                "endLine": p.end.line,
                "endColumn": p.end.column,
                "byteOffset": p.offset,
                "byteLength": p.length,
            }
        }
    });
    if !message.is_empty() {
        loc["message"] = json!({ "text": message });
    }
    loc
}

/// Writes one SARIF log with one run.
pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
    rules: &[&'static RuleMeta],
) -> io::Result<()> {
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.fix, "markdown": r.doc },
                "helpUri": r.url(),
                "defaultConfiguration": { "level": level(r.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(&format!(" (help: {help})"));
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": text },
                "locations": d.primary.iter().map(|p| location(&resolver.place(p.span), &p.message)).collect::<Vec<_>>(),
                "relatedLocations": d.related.iter().enumerate().map(|(i, r)| {
                    let mut l = location(&resolver.place(r.span), &r.message);
                    l["id"] = json!(i + 1);
                    l
                }).collect::<Vec<_>>(),
            });
            if let Some(index) = rules.iter().position(|r| r.code == d.code) {
                result["ruleIndex"] = json!(index);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "nginx-fpm-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/nginx-fpm-lint/nginx-fpm-lint",
                "rules": driver_rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
