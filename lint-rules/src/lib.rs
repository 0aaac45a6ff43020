//! The rule engine: a cross-file model of nginx + php-fpm, the registry of
//! rules, and the rules themselves (one file each under `rules/`).
#![forbid(unsafe_code)]

mod cascades;
mod engine;
pub mod fixes;
mod listing;
pub mod model;
mod options;
mod repeats;
mod rule;
mod rules;
mod server_memo;
pub mod suppression;

pub use engine::{
    check, inspect, lint, lint_observed, lint_timed, load, parse, sort, LintInput, Loaded,
    NginxInput, Phase, RuleTime,
};
pub use options::{LintOptions, Network, PortRoute, Provided, Published, RuleOption, ServicePorts};
pub use rule::{Check, Rule, Sink};
pub use rules::RULES;
pub use server_memo::ServerMemo;

/// Codes reported only when a `--select` entry (or the config file's `select`) names
/// them: by code, by a prefix such as `SEC`, by name or by alias. They are gixy's
/// checks that are advice rather than faults (HSTS, `worker_processes`, a default
/// `server_tokens`, SEC047's
/// `open_file_cache`, which most PHP sites would get), or that
/// repeat what another rule already reports by default (NGX112 for
/// `worker_rlimit_nofile`, X013 for a variable `fastcgi_pass` without `resolver`):
/// `--select SEC` is "what gixy does", the default run reports each problem once.
pub const OPT_IN: &[&str] = &[
    "SEC047", "SEC071", "SEC078", "SEC079", "SEC080", "SEC081", "SEC082", "SEC084", "SEC086",
];

/// True for a code in [`OPT_IN`].
pub fn is_opt_in(code: &str) -> bool {
    OPT_IN.contains(&code)
}

/// Metadata of every code the linter can emit (parsers' and rules'), sorted by code.
pub fn all_rules() -> Vec<&'static lint_source::RuleMeta> {
    let mut all: Vec<&'static lint_source::RuleMeta> = Vec::new();
    all.extend(nginx_conf_parser::codes::RULES.iter().copied());
    all.extend(nginx_conf_parser::check::RULES.iter().copied());
    all.extend(fpm_conf_parser::RULES.iter().copied());
    all.extend(RULES.iter().map(|r| &r.meta));
    all.push(&suppression::UNUSED_SUPPRESSION);
    all.sort_by_key(|m| (family_order(m.code), m.code));
    all
}

fn family_order(code: &str) -> u8 {
    match code.as_bytes().first() {
        Some(b'N') => 0,
        Some(b'F') => 1,
        Some(b'X') => 2,
        Some(b'S') => 3,
        _ => 4,
    }
}

/// The metadata of a code (or a rule name, or an alias), among every code the
/// linter can emit.
///
/// ```
/// let meta = lint_rules::rule_meta("X001").expect("a rule");
/// assert_eq!(meta.name, "fastcgi-pass-no-pool");
/// assert_eq!(lint_rules::rule_meta("fastcgi-pass-no-pool").map(|m| m.code), Some("X001"));
/// ```
pub fn rule_meta(code: &str) -> Option<&'static lint_source::RuleMeta> {
    static INDEX: std::sync::OnceLock<
        foldhash::HashMap<&'static str, &'static lint_source::RuleMeta>,
    > = std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index = foldhash::HashMap::default();
        for meta in all_rules() {
            index.insert(meta.code, meta);
            index.insert(meta.name, meta);
            for alias in meta.aliases {
                index.insert(*alias, meta);
            }
        }
        index
    });
    index.get(code).copied()
}

// The README is a doctest too: its example compiles and runs with `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
