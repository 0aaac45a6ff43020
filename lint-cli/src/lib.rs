//! The command line of nginx-fpm-lint.
#![forbid(unsafe_code)]

use std::process::ExitCode;

/// Runs the command line with the process arguments and returns the exit code.
pub fn run() -> ExitCode {
    ExitCode::from(2)
}
