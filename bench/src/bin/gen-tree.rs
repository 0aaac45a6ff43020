//! `gen-tree DIR N [--tls] [--profile light|heavy]`: writes a tree of N sites under DIR.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(n)) = (args.first(), args.get(1).and_then(|n| n.parse().ok())) else {
        eprintln!("usage: gen-tree DIR N [--tls] [--profile light|heavy]");
        return ExitCode::from(2);
    };
    let profile = match args.iter().position(|a| a == "--profile") {
        None => nginx_fpm_lint_bench::Profile::Light,
        Some(i) => match args
            .get(i + 1)
            .and_then(|p| nginx_fpm_lint_bench::Profile::parse(p))
        {
            Some(p) => p,
            None => {
                eprintln!("gen-tree: --profile takes light or heavy");
                return ExitCode::from(2);
            }
        },
    };
    let dir = std::path::absolute(PathBuf::from(dir)).unwrap_or_else(|_| PathBuf::from(dir));
    let spec = nginx_fpm_lint_bench::TreeSpec {
        sites: n,
        tls: args.iter().any(|a| a == "--tls"),
        profile,
    };
    match nginx_fpm_lint_bench::generate(&dir, &spec) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-tree: {e}");
            ExitCode::from(1)
        }
    }
}
