//! JSON and JSON-lines output (schema: docs/json-schema.md).

use std::io::{self, Write};

use lint_source::{Diagnostic, RuleMeta};
use serde_json::{json, Value};

use super::{meta_of, summary, Place, Resolver};

/// Version of the JSON document; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

fn place(p: &Place) -> Value {
    json!({
        "file": p.path,
        "offset": p.offset,
        "length": p.length,
        "start": { "line": p.start.line, "column": p.start.column },
        "end": { "line": p.end.line, "column": p.end.column },
    })
}

/// One diagnostic as a JSON object.
pub fn diagnostic(d: &Diagnostic, resolver: &Resolver<'_>, rules: &[&'static RuleMeta]) -> Value {
    let mut obj = json!({
        "code": d.code,
        "name": d.name,
        "severity": d.severity.as_str(),
        "message": d.message,
        "help": d.help,
        "notes": d.notes,
        "url": meta_of(d.code, rules).map(|m| m.url()),
    });
    if let Some(p) = &d.primary {
        let mut loc = place(&resolver.place(p.span));
        loc["label"] = json!(p.message);
        obj["location"] = loc;
    } else {
        obj["location"] = Value::Null;
    }
    obj["related"] = Value::Array(
        d.related
            .iter()
            .map(|r| {
                let mut loc = place(&resolver.place(r.span));
                loc["label"] = json!(r.message);
                loc
            })
            .collect(),
    );
    obj["fix"] = match &d.fix {
        Some(fix) => json!({
            "description": fix.description,
            "edits": fix.edits.iter().map(|e| {
                let mut loc = place(&resolver.place(e.span));
                loc["replacement"] = json!(e.replacement);
                loc
            }).collect::<Vec<_>>(),
        }),
        None => Value::Null,
    };
    obj
}

/// The whole report as one document.
pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
    rules: &[&'static RuleMeta],
) -> io::Result<()> {
    let (errors, warnings, notes) = summary(diagnostics);
    let doc = json!({
        "version": super::SCHEMA_VERSION,
        "tool": { "name": "nginx-fpm-lint", "version": env!("CARGO_PKG_VERSION") },
        "diagnostics": diagnostics.iter().map(|d| diagnostic(d, resolver, rules)).collect::<Vec<_>>(),
        "summary": { "errors": errors, "warnings": warnings, "notes": notes },
    });
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
    for d in diagnostics {
        serde_json::to_writer(&mut *out, &diagnostic(d, resolver, rules))?;
        writeln!(out)?;
    }
    Ok(())
}
