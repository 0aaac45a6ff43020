//! The rule engine: a cross-file model of nginx + php-fpm, the registry of
//! rules, and the rules themselves (one file each under `rules/`).
#![forbid(unsafe_code)]

mod engine;
mod rule;

pub use engine::{lint, LintInput, LintOptions, NginxInput};
pub use rule::{Rule, Sink};

/// Metadata of every code the linter can emit (parsers' and rules'), sorted by code.
pub fn all_rules() -> Vec<&'static lint_source::RuleMeta> {
    Vec::new()
}
