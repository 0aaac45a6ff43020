//! The `nginx-fpm-lint` binary: everything lives in `lint-cli`.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    lint_cli::run()
}
