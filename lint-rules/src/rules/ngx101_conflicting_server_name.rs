use std::collections::HashMap;

use lint_source::{Diagnostic, Span};

use crate::model::Model;
use crate::rule::Sink;

declare_rule!(
    "NGX101",
    "conflicting-server-name",
    NginxListen,
    Warning,
    "two servers on one address:port claim the same server_name: the second never answers it",
    r#"nginx keeps the first server that names a host on an address and ignores the
name in later ones, with only a warning at start: `conflicting server name
"www.example.com" on 0.0.0.0:80, ignored`. Requests go to the first server,
which often is not the one just edited.

Bad:
```nginx
server { listen 80; server_name shop.example.com www.example.com; }
server { listen 80; server_name admin.example.com www.example.com; }
```
Good:
```nginx
server { listen 80; server_name shop.example.com www.example.com; }
server { listen 80; server_name admin.example.com; }
```"#,
    "Remove the name from the server that should not answer it.",
    check
);

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        // (address, name) → first span; indexed, so the check is linear in names.
        let mut seen: HashMap<(String, String), Span> = HashMap::new();
        for server in &nginx.servers {
            let mut addresses: Vec<String> = server
                .listens
                .iter()
                .map(|l| {
                    format!(
                        "{}:{}",
                        l.host,
                        l.port.map_or(String::new(), |p| p.to_string())
                    )
                })
                .collect();
            addresses.sort();
            addresses.dedup();
            for (name, span) in &server.names {
                if name.is_empty() || name.starts_with('~') || name == "_" {
                    continue;
                }
                let lower = name.trim_start_matches('.').to_ascii_lowercase();
                for address in &addresses {
                    match seen.get(&(address.clone(), lower.clone())) {
                        Some(first) if first != span => {
                            sink.push(
                                Diagnostic::new(
                                    &RULE.meta,
                                    *span,
                                    format!(
                                        "conflicting server name \"{name}\" on {address}, ignored"
                                    ),
                                )
                                .with_label("never matches: an earlier server has it")
                                .with_related(*first, "this server answers it")
                                .with_help("remove the name from one of the two servers"),
                            );
                            break;
                        }
                        Some(_) => {}
                        None => {
                            seen.insert((address.clone(), lower.clone()), *span);
                        }
                    }
                }
            }
        }
    }
}
