//! `.nginx-fpm-lint.toml`: found by walking up from the linted paths, read into
//! [`Settings`], validated against the codes the linter knows.

use std::path::{Path, PathBuf};

use lint_source::Severity;

use crate::Settings;

/// The config file's name.
pub const FILE_NAME: &str = ".nginx-fpm-lint.toml";

/// Walks up from `start` (a file or a directory) to the nearest config file.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir: Option<&Path> = if start.is_dir() {
        Some(&start)
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// 1-based line and column of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Reads and validates a config file; its per-path globs become relative to its
/// directory. Errors are `path:line:col: message`.
pub fn load(path: &Path) -> Result<Settings, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut settings = parse(&text).map_err(|(offset, message)| {
        let (line, col) = position(&text, offset);
        format!("{}:{line}:{col}: {message}", path.display())
    })?;
    settings.base = path.parent().map(Path::to_path_buf);
    Ok(settings)
}

/// Parses and validates the text of a config file. `Err` carries the byte offset of
/// the problem and a message.
///
/// ```
/// let settings = lint_api::config::parse("select = [\"X\"]\nseverity = { X006 = \"error\" }\n").unwrap();
/// assert_eq!(settings.select, ["X"]);
/// let (offset, message) = lint_api::config::parse("ignore = [\"X999\"]\n").unwrap_err();
/// assert_eq!((offset, message.as_str()), (10, "unknown rule code, prefix or name 'X999'"));
/// ```
pub fn parse(text: &str) -> Result<Settings, (usize, String)> {
    let settings: Settings = toml::from_str(text)
        .map_err(|e| (e.span().map_or(0, |s| s.start), e.message().to_string()))?;
    // Where a value is written, for messages: its first quoted occurrence.
    let at = |value: &str| {
        text.find(&format!("\"{value}\""))
            .or_else(|| text.find(&format!("'{value}'")))
            .or_else(|| text.find(value))
            .unwrap_or(0)
    };
    let lists = settings
        .select
        .iter()
        .chain(&settings.ignore)
        .chain(settings.per_path_ignores.values().flatten());
    for selector in lists {
        if !selects_any(selector) {
            return Err((
                at(selector),
                format!("unknown rule code, prefix or name '{selector}'"),
            ));
        }
    }
    for (code, level) in &settings.severity {
        if lint_rules::rule_meta(code).is_none() {
            return Err((at(code), format!("unknown rule '{code}'")));
        }
        if parse_severity(level).is_none() {
            return Err((
                at(level),
                format!("unknown severity '{level}' (error, warning, note)"),
            ));
        }
    }
    for rule in settings.rule_options.keys() {
        if lint_rules::rule_meta(rule).is_none() {
            return Err((at(rule), format!("unknown rule '{rule}'")));
        }
    }
    if let Some(level) = &settings.fail_level {
        if parse_severity(level).is_none() {
            return Err((
                at(level),
                format!("unknown fail-level '{level}' (error, warning, note)"),
            ));
        }
    }
    Ok(settings)
}

/// `error`, `warning`, `note`.
pub fn parse_severity(text: &str) -> Option<Severity> {
    match text {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "note" => Some(Severity::Note),
        _ => None,
    }
}

/// Whether a selector (code, code prefix such as `X` or `NGX2`, name or alias) names
/// any rule.
pub fn selects_any(selector: &str) -> bool {
    lint_rules::all_rules()
        .iter()
        .any(|meta| selects(selector, meta))
}

/// Whether a selector selects a rule: its code or a prefix of it, its name, one of its
/// aliases (the gixy plugin a security rule replaces), or `all`.
///
/// ```
/// let x001 = lint_rules::rule_meta("X001").unwrap();
/// assert!(lint_api::config::selects("X", x001));
/// assert!(lint_api::config::selects("fastcgi-pass-no-pool", x001));
/// assert!(!lint_api::config::selects("NGX", x001));
/// ```
pub fn selects(selector: &str, meta: &lint_source::RuleMeta) -> bool {
    selector == "all"
        || selector == meta.name
        || meta.code.starts_with(selector)
        || meta.aliases.contains(&selector)
}
