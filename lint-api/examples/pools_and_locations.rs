//! Lists every php-fpm pool and the nginx locations whose `fastcgi_pass` reaches it:
//! facts from the model rather than findings.
//!
//! `cargo run -p lint-api --example pools_and_locations -- fixtures/example`

use lint_api::{Input, Linter};

fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fixtures/example".into());
    let listing = Linter::default().inspect(&Input::root(root), |model| {
        let mut lines = Vec::new();
        for pool in model.pools() {
            let listen = pool
                .pool
                .listen()
                .map(|(l, _)| lint_rules::model::address::describe_listen(&l))
                .unwrap_or_else(|| "(no listen)".into());
            lines.push(format!("[{}] listen = {listen}", pool.pool.name));
            for (_, server, location) in model.fastcgi_locations() {
                let reaches = model
                    .reached_pools(location)
                    .any(|(_, p)| std::ptr::eq(p.pool, pool.pool));
                if reaches {
                    let names: Vec<&str> = server.names.iter().map(|(n, _)| n.as_str()).collect();
                    let names = names.join(" ");
                    lines.push(format!("    server {names} location {}", location.pattern));
                }
            }
        }
        lines
    });
    match listing {
        Ok(runs) => {
            for line in runs.into_iter().flatten() {
                println!("{line}");
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
