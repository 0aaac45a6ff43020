use std::collections::HashMap;

use lint_source::Diagnostic;

use crate::model::Model;
use crate::rule::Sink;

declare_rule!(
    "NGX102",
    "no-explicit-default-server",
    NginxListen,
    Note,
    "several servers on one address:port and none marked `default_server`: the first one read catches unknown hosts",
    r#"Requests whose Host matches no server_name go to the default server of the
address. Without `default_server`, that is the first server nginx reads,
which depends on include order (the alphabetical order of sites-enabled). A
renamed file changes which site strangers, health checks and IP-only
requests see.

Bad:
```nginx
server { listen 80; server_name shop.example.com; }
server { listen 80; server_name blog.example.com; }
```
Good:
```nginx
server { listen 80 default_server; server_name _; return 444; }
server { listen 80; server_name shop.example.com; }
server { listen 80; server_name blog.example.com; }
```"#,
    "Mark one server per address `default_server` (often a catch-all that returns 444).",
    check
);

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        let mut groups: HashMap<String, (usize, bool, lint_source::Span)> = HashMap::new();
        for server in &nginx.servers {
            for l in &server.listens {
                let key = format!(
                    "{}:{}",
                    l.host,
                    l.port.map_or(String::new(), |p| p.to_string())
                );
                let entry = groups.entry(key).or_insert((0, false, server.span));
                entry.0 += 1;
                entry.1 |= l.default_server;
            }
        }
        let mut keys: Vec<_> = groups
            .iter()
            .filter(|(_, (n, d, _))| *n > 1 && !d)
            .collect();
        keys.sort_by_key(|(k, _)| k.as_str());
        for (address, (count, _, first)) in keys {
            sink.push(
                Diagnostic::new(&RULE.meta, lint_source::Span::new(first.file, first.start as usize, first.start as usize + 6), format!("{count} servers listen on {address} and none is `default_server`: this one, read first, answers unknown hosts"))
                    .with_help(format!("add `default_server` to the `listen {}` of the server meant to catch unknown hosts", address.trim_start_matches("*:"))),
            );
        }
    }
}
