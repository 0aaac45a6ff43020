//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Finds the nginx + php-fpm configuration mistakes behind 502/504 before you deploy.
///
/// With no paths, lints this machine's /etc/nginx and /etc/php/*/fpm (or the
/// same places under --root). A directory is read as a repository (Compose files,
/// Dockerfiles, Kubernetes manifests, loose conf.d snippets and pool files assembled
/// into deployments), or as a copy of / when it holds etc/nginx or etc/php.
#[derive(Clone, Debug, Parser)]
#[command(name = "nginx-fpm-lint", version, about, long_about = None)]
pub struct Args {
    /// Repositories, copies of /, or changed files (the deployments they belong to are linted).
    pub paths: Vec<PathBuf>,

    /// nginx main files (or snippets) to lint on their own, as given.
    #[arg(long = "nginx", value_name = "FILE", num_args = 1..)]
    pub nginx: Vec<PathBuf>,

    /// php-fpm main files (php-fpm.conf) or pool files to lint on their own, as given.
    #[arg(long = "fpm", value_name = "FILE", num_args = 1..)]
    pub fpm: Vec<PathBuf>,

    /// A php.ini (for max_execution_time).
    #[arg(long = "php-ini", value_name = "FILE")]
    pub php_ini: Vec<PathBuf>,

    /// The output of `nginx -T` (`-` for stdin).
    #[arg(long = "nginx-dump", value_name = "FILE|-")]
    pub nginx_dump: Option<PathBuf>,

    /// Read absolute paths under DIR (a checked-out copy of /).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// nginx's prefix (-p): relative nginx paths resolve against it.
    #[arg(long, value_name = "DIR")]
    pub prefix: Option<PathBuf>,

    /// Context of an nginx snippet linted on its own: auto, main, http, server or
    /// location. The snippet is read inside the blocks that context needs, so rules see
    /// its servers and locations; `auto` (what a file given with --nginx gets when this
    /// is not set) infers it from its top-level directives.
    #[arg(long, value_name = "CONTEXT")]
    pub context: Option<String>,

    /// Target nginx version (1.22, latest).
    #[arg(long = "nginx-version", value_name = "VERSION")]
    pub nginx_version: Option<String>,

    /// nginx's worker user when the config has no `user` directive.
    #[arg(long = "nginx-user", value_name = "USER")]
    pub nginx_user: Option<String>,

    /// A value for php-fpm's ${KEY} and Compose's variables (repeatable; also after
    /// `deployments`).
    #[arg(long = "env", value_name = "KEY=VALUE", global = true)]
    pub env: Vec<String>,

    /// Domains that must be served (comma separated).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub names: Vec<String>,

    /// Output format (default: pretty on a terminal, concise otherwise).
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Lowest severity that makes the exit code 1.
    #[arg(long = "fail-level", value_enum, default_value = "warning")]
    pub fail_level: FailLevel,

    /// Exit 0 even when there are findings.
    #[arg(long = "exit-zero")]
    pub exit_zero: bool,

    /// Do not report the findings of this earlier report (`--format json`, `json-lines`,
    /// `gitlab` or `sarif`, written from the directory it is in): only new findings
    /// show and fail the run.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Use this config file instead of searching for .nginx-fpm-lint.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any .nginx-fpm-lint.toml (accepted after a subcommand too:
    /// `deployments --no-config .`).
    #[arg(long = "no-config", global = true)]
    pub no_config: bool,

    /// Only report these codes, prefixes, names or gixy plugin names (comma separated;
    /// `SEC` is every security rule).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,

    /// Never report these codes, prefixes, names or gixy plugin names (comma separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Apply the safe fixes of the findings (atomically, in several passes until stable),
    /// then report what is left.
    #[arg(long)]
    pub fix: bool,

    /// Print the fixes as a unified diff and write nothing (exit 1 when there are some).
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,

    /// With --fix or --diff: also apply fixes that change behaviour beyond the finding.
    #[arg(long = "unsafe-fixes")]
    pub unsafe_fixes: bool,

    /// Print to stderr what each phase and each rule cost (time per input byte).
    #[arg(long)]
    pub timings: bool,

    /// What to do instead of linting.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Clone, Debug, Subcommand)]
pub enum Command {
    /// List every rule.
    Rules,
    /// Print a rule's documentation.
    Rule {
        /// Code or name (X001, fastcgi-pass-no-pool).
        code: String,
    },
    /// Show the deployments assembled from a repository: containers, images, where each
    /// file lands, how nginx reaches php-fpm.
    Deployments {
        /// The repository (default: the current directory).
        path: Option<PathBuf>,
        /// Also write each deployment's container files under `DIR/<n>/{nginx,php-fpm}/`
        /// (at their container paths) with `DIR/<n>/deployment.json`, so that the real
        /// nginx and php-fpm can be run on what was assembled.
        #[arg(long, value_name = "DIR")]
        materialize: Option<PathBuf>,
    },
    /// Run the language server on stdin/stdout (for editors: every rule as you type, hover,
    /// completion, go to definition, references, outline, code actions). The workspace
    /// folder the editor opens is read as a directory argument is.
    Lsp,
    /// Show what was parsed from an nginx tree, and from which file.
    DumpTree {
        /// nginx main file (under --root when given).
        path: PathBuf,
    },
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// miette's graphical report.
    Pretty,
    /// `file:line:col: CODE [severity] message`.
    Concise,
    /// One JSON document (see docs/json-schema.md).
    Json,
    /// One JSON object per line.
    JsonLines,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions annotations plus the concise report.
    Github,
    /// GitLab Code Quality report (`artifacts:reports:codequality`).
    Gitlab,
}

/// Severity threshold for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailLevel {
    /// Only errors fail.
    Error,
    /// Warnings and errors fail.
    Warning,
    /// Everything fails.
    Note,
}
