//! A custom renderer: GitHub Actions workflow commands (`::error file=...,line=...::`),
//! so findings appear as annotations on the pull request.
//!
//! `cargo run -p lint-api --example custom_renderer -- fixtures/example`

use lint_api::{Input, Linter, Settings};
use lint_source::Severity;

fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fixtures/example".into());
    let report = match Linter::new(Settings::default()).lint(&Input::root(root)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    for d in &report.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            _ => "notice",
        };
        let mut params = Vec::new();
        if let Some(p) = &d.primary {
            let file = report.sources.get(p.span.file);
            let at = file.line_col(p.span.start);
            params.push(format!("file={}", file.display_path().display()));
            params.push(format!("line={}", at.line));
            params.push(format!("col={}", at.column));
        }
        params.push(format!("title={}", d.code));
        // Workflow commands end at the line: escape as GitHub documents.
        let message = d
            .message
            .replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A");
        println!("::{command} {}::{message}", params.join(","));
    }
    std::process::exit(i32::from(report.fails(Severity::Error)));
}
