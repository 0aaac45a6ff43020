//! The entry point: what to lint, with which options, and the run itself.

use std::collections::BTreeMap;
use std::path::PathBuf;

use lint_source::{Diagnostic, SourceMap};

/// One nginx input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NginxInput {
    /// A main file (`nginx.conf`) or a snippet, read from disk (under `--root`).
    File(PathBuf),
    /// The output of `nginx -T`, split on its `# configuration file` markers.
    Dump {
        /// Name to show for the dump itself (`-` for stdin).
        name: PathBuf,
        /// Its bytes.
        text: Vec<u8>,
    },
}

/// Settings that the configuration cannot show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintOptions {
    /// `--root DIR`: absolute paths in configs are read under DIR.
    pub root: Option<PathBuf>,
    /// `--prefix`: nginx's prefix (relative includes resolve against its conf dir).
    pub nginx_prefix: Option<PathBuf>,
    /// `--context http|server|location`: the context of a snippet linted on its own.
    pub context: Option<String>,
    /// `--nginx-version` (`1.22`, `1.22.1`, `latest`); `None` = latest.
    pub nginx_version: Option<String>,
    /// Third-party nginx modules to treat as loaded (besides `load_module` lines).
    pub modules: Vec<String>,
    /// `--nginx-user`: nginx worker user when no `user` directive says it.
    pub nginx_user: Option<String>,
    /// `--env KEY=VALUE`: values for php-fpm's `${KEY}`.
    pub env: BTreeMap<String, String>,
    /// Domains the operator expects to be served (`--names`).
    pub expected_names: Vec<String>,
}

/// Everything one run lints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintInput {
    /// nginx trees.
    pub nginx: Vec<NginxInput>,
    /// php-fpm main files (`php-fpm.conf`) or pool files.
    pub fpm: Vec<PathBuf>,
    /// php.ini files (for max_execution_time and friends).
    pub php_ini: Vec<PathBuf>,
    /// Options.
    pub options: LintOptions,
}

/// Loads every input into `map`, builds the model, runs every rule and
/// returns all findings (parser findings included), sorted by file and offset.
pub fn lint(input: &LintInput, map: &SourceMap) -> Vec<Diagnostic> {
    let _ = (input, map);
    Vec::new()
}
