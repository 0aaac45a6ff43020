//! The language server's view of the command line: a workspace folder gets the
//! settings a directory argument would (its `.nginx-fpm-lint.toml`, then the
//! options given before `lsp`), and is linted by the library as the command line
//! lints it.

use std::path::Path;

use lint_lsp::Host;

use crate::args::Args;

/// The command line's settings, for `nginx-fpm-lint lsp`.
pub struct CliHost {
    /// The options given before `lsp` (`--nginx-version`, `--env`, `--select`, ...).
    args: Args,
}

impl CliHost {
    /// The host for the arguments `lsp` was started with.
    pub fn new(args: Args) -> Self {
        CliHost { args }
    }
}

impl Host for CliHost {
    fn settings(&self, folder: &Path) -> Result<lint_api::Settings, String> {
        let mut args = self.args.clone();
        args.command = None;
        args.paths = vec![folder.to_path_buf()];
        crate::settings(&args, folder)
    }
}
