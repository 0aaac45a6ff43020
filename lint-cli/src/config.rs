//! `.nginx-fpm-lint.toml`: found by walking up from the linted paths.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lint_source::{RuleMeta, Severity};
use serde::Deserialize;
use toml::Spanned;

/// The config file's name.
pub const FILE_NAME: &str = ".nginx-fpm-lint.toml";

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Only these codes, prefixes or names.
    #[serde(default)]
    pub select: Vec<Spanned<String>>,
    /// Never these.
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    /// Severity per code or name.
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Codes ignored per path glob (relative to the config file's directory or the root).
    #[serde(default)]
    pub per_path_ignores: BTreeMap<String, Vec<Spanned<String>>>,
    /// Target nginx version.
    pub nginx_version: Option<String>,
    /// nginx worker user.
    pub nginx_user: Option<String>,
    /// Third-party modules loaded.
    #[serde(default)]
    pub modules: Vec<String>,
    /// `${VAR}` values for php-fpm.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Domains that must be served.
    #[serde(default)]
    pub names: Vec<String>,
    /// Lowest severity that fails the run.
    pub fail_level: Option<String>,
    /// Options of individual rules: `[rule-options.origins]` (code, name or alias) with
    /// booleans and lists of words.
    #[serde(default)]
    pub rule_options: BTreeMap<Spanned<String>, toml::Table>,
}

/// A config file with where it was found.
#[derive(Debug, Default)]
pub struct LoadedConfig {
    /// The file, when one was used.
    pub path: Option<PathBuf>,
    /// Its content.
    pub file: ConfigFile,
}

/// Walks up from `start` to find the config file.
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

fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Reads and validates a config file. Errors are `path:line:col: message`.
pub fn load(path: &Path, rules: &[&'static RuleMeta]) -> Result<LoadedConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| position(&text, s.start));
        format!("{}:{line}:{col}: {}", path.display(), e.message())
    })?;
    let err = |s: &Spanned<String>, msg: String| {
        let (line, col) = position(&text, s.span().start);
        format!("{}:{line}:{col}: {msg}", path.display())
    };
    let lists = file
        .select
        .iter()
        .chain(&file.ignore)
        .chain(file.per_path_ignores.values().flatten());
    for code in lists {
        if !matches_any(code.get_ref(), rules) {
            return Err(err(
                code,
                format!("unknown rule code, prefix or name '{}'", code.get_ref()),
            ));
        }
    }
    for (code, level) in &file.severity {
        if !rules
            .iter()
            .any(|r| names_rule(code.get_ref(), r.code, r.name))
        {
            return Err(err(code, format!("unknown rule '{}'", code.get_ref())));
        }
        if parse_severity(level.get_ref()).is_none() {
            return Err(err(
                level,
                format!(
                    "unknown severity '{}' (error, warning, note)",
                    level.get_ref()
                ),
            ));
        }
    }
    for (rule, table) in &file.rule_options {
        if !rules
            .iter()
            .any(|r| names_rule(rule.get_ref(), r.code, r.name))
        {
            return Err(err(rule, format!("unknown rule '{}'", rule.get_ref())));
        }
        for (key, value) in table {
            if rule_option(value).is_none() {
                return Err(err(
                    rule,
                    format!(
                        "option '{key}' of '{}': expected true, false, a word or a list of words",
                        rule.get_ref()
                    ),
                ));
            }
        }
    }
    if let Some(level) = &file.fail_level {
        if parse_severity(level).is_none() {
            return Err(format!(
                "{}: unknown fail-level '{level}' (error, warning, note)",
                path.display()
            ));
        }
    }
    Ok(LoadedConfig {
        path: Some(path.to_path_buf()),
        file,
    })
}

/// A rule option's value as rules read it.
pub fn rule_option(value: &toml::Value) -> Option<lint_rules::RuleOption> {
    match value {
        toml::Value::Boolean(b) => Some(lint_rules::RuleOption::Bool(*b)),
        toml::Value::String(s) => Some(lint_rules::RuleOption::Words(vec![s.clone()])),
        toml::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(lint_rules::RuleOption::Words),
        _ => None,
    }
}

/// The rule options of the file, keyed by rule code.
pub fn rule_options(
    file: &ConfigFile,
) -> BTreeMap<String, BTreeMap<String, lint_rules::RuleOption>> {
    let mut out: BTreeMap<String, BTreeMap<String, lint_rules::RuleOption>> = BTreeMap::new();
    for (rule, table) in &file.rule_options {
        let Some(meta) = crate::all_rules()
            .into_iter()
            .find(|r| names_rule(rule.get_ref(), r.code, r.name))
        else {
            continue;
        };
        let entry = out.entry(meta.code.to_string()).or_default();
        for (key, value) in table {
            if let Some(v) = rule_option(value) {
                entry.insert(key.clone(), v);
            }
        }
    }
    out
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

/// Whether a selector (code, code prefix such as `X` or `NGX2`, or name) names any rule.
pub fn matches_any(selector: &str, rules: &[&'static RuleMeta]) -> bool {
    rules.iter().any(|r| selects(selector, r.code, r.name))
}

/// Whether a selector selects a rule: its name, an alias (the gixy plugin it replaces,
/// `alias_traversal`), or a prefix of its code (`SEC` is every security rule).
pub fn selects(selector: &str, code: &str, name: &str) -> bool {
    selector == name || code.starts_with(selector) || names(selector, code)
}

/// Whether a word names exactly this rule: its code, name or one of its aliases
/// (what `severity` keys and suppression comments accept).
pub fn names_rule(word: &str, code: &str, name: &str) -> bool {
    word == code || word == name || names(word, code)
}

/// Whether `word` is an alias of the rule `code`.
fn names(word: &str, code: &str) -> bool {
    static ALIASES: std::sync::OnceLock<std::collections::HashMap<&'static str, &'static str>> =
        std::sync::OnceLock::new();
    let aliases = ALIASES.get_or_init(|| {
        crate::all_rules()
            .into_iter()
            .flat_map(|r| r.aliases.iter().map(move |a| (*a, r.code)))
            .collect()
    });
    aliases.get(word).is_some_and(|c| *c == code)
}
