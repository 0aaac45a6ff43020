//! Inline suppressions: `# nginx-fpm-lint: ignore CODE reason` (nginx) and
//! `; nginx-fpm-lint: ignore CODE reason` (php-fpm), for the next statement
//! (or the same line, after it), and `ignore-file CODE` for the whole file.

use lint_source::{Diagnostic, FileId, FileKind, Label, Severity, SourceMap, Span};

use crate::codes::UNUSED_SUPPRESSION;

const MARKER: &str = "nginx-fpm-lint:";

/// One suppression comment.
#[derive(Debug)]
struct Suppression {
    file: FileId,
    /// The line it applies to; `None` for the whole file.
    line: Option<u32>,
    codes: Vec<String>,
    span: Span,
    used: bool,
}

fn collect(map: &SourceMap) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (id, file) in map.files() {
        let comment = match file.kind {
            FileKind::Nginx => '#',
            FileKind::Fpm | FileKind::PhpIni => ';',
            _ => continue,
        };
        let text = String::from_utf8_lossy(&file.text);
        if !text.contains(MARKER) {
            continue;
        }
        let lines: Vec<&str> = text.split('\n').collect();
        let mut offset = 0usize;
        for (i, line) in lines.iter().enumerate() {
            let line_start = offset;
            offset += line.len() + 1;
            let Some(pos) = line.find(MARKER) else {
                continue;
            };
            let Some(hash) = line[..pos].rfind(comment) else {
                continue;
            };
            let rest = line[pos + MARKER.len()..].trim();
            let (whole_file, rest) = if let Some(r) = rest.strip_prefix("ignore-file") {
                (true, r)
            } else if let Some(r) = rest.strip_prefix("ignore") {
                (false, r)
            } else {
                continue;
            };
            let codes_text = rest.split_whitespace().next().unwrap_or("");
            let codes: Vec<String> = codes_text
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
            let own_line = line[..hash].trim().is_empty();
            let target = if whole_file {
                None
            } else if own_line {
                // The next line that is neither blank nor a comment.
                let next = lines.iter().enumerate().skip(i + 1).find(|(_, l)| {
                    let t = l.trim();
                    !t.is_empty() && !t.starts_with(comment)
                });
                next.map(|(n, _)| (n + 1) as u32)
            } else {
                Some((i + 1) as u32)
            };
            let span = Span::new(id, line_start + hash, line_start + line.len());
            out.push(Suppression {
                file: id,
                line: target,
                codes,
                span,
                used: false,
            });
        }
    }
    out
}

/// Drops suppressed diagnostics and reports suppressions that matched nothing.
pub fn apply(diagnostics: Vec<Diagnostic>, map: &SourceMap) -> Vec<Diagnostic> {
    let mut suppressions = collect(map);
    if suppressions.is_empty() {
        return diagnostics;
    }
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let Some(primary) = &d.primary else {
            kept.push(d);
            continue;
        };
        let file = map.get(primary.span.file);
        let line = file.line_col(primary.span.start).line;
        let hit = suppressions.iter_mut().find(|s| {
            s.file == primary.span.file
                && s.line.is_none_or(|l| l == line)
                && s.codes
                    .iter()
                    .any(|c| c == "all" || crate::config::names_rule(c, d.code, d.name))
        });
        match hit {
            Some(s) => s.used = true,
            None => kept.push(d),
        }
    }
    for s in suppressions.into_iter().filter(|s| !s.used) {
        kept.push(Diagnostic {
            code: UNUSED_SUPPRESSION.code,
            name: UNUSED_SUPPRESSION.name,
            severity: Severity::Warning,
            message: format!("unused suppression: no {} finding here", s.codes.join(", ")),
            primary: Some(Label::new(s.span, "")),
            related: Vec::new(),
            help: Some("remove the comment, or fix the code it names".into()),
            notes: Vec::new(),
            fix: None,
        });
    }
    lint_rules::sort(&mut kept, map);
    kept
}
