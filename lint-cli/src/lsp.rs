//! The language server's view of the command line: a workspace folder is planned
//! exactly as a directory argument is (repository mode, a copy of /), with the
//! same config file lookup, and its findings go through the same suppressions and
//! selection ([`crate::finish`]).

use std::path::Path;

use lint_lsp::{Host, Workspace};
use lint_source::RuleMeta;

use crate::args::Args;

/// The command line's rules and planning, for `nginx-fpm-lint lsp`.
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
    fn rules(&self) -> Vec<&'static RuleMeta> {
        crate::all_rules()
    }

    fn workspace(&self, folder: &Path) -> Result<Workspace, String> {
        let mut args = self.args.clone();
        args.command = None;
        args.paths = vec![folder.to_path_buf()];
        let rules = crate::all_rules();
        let config = crate::load_config(&args, folder, &rules)?;
        let plan = crate::plan(&args, &config.file, folder)?;
        let base = folder.to_path_buf();
        Ok(Workspace {
            inputs: plan.inputs,
            notes: plan.notes,
            finish: Box::new(move |diagnostics, map| {
                crate::finish(diagnostics, map, &args, &config, &base)
            }),
        })
    }
}
