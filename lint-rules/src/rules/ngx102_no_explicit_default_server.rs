use crate::rule::{Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX102",
        name: "no-explicit-default-server",
        family: Family::NginxListen,
        severity: Severity::Warning,
        summary: "several servers on one address:port and none marked `default_server`: the first one read catches unknown hosts",
        aliases: &["default_server_flag"],
        doc: r#"Requests whose Host matches no server_name go to the default server of the
address. Without `default_server`, that is the first server nginx reads,
which depends on include order (the alphabetical order of sites-enabled). A
renamed file changes which site strangers, health checks and IP-only
requests see. A server without `listen` that includes a file the linter could
not read (one an entrypoint writes at start) is not counted on `*:80`: that file
may hold its `listen ... default_server`.

**Symptom**: unknown hosts, IP-only requests and health checks land on
whichever site is read first; renaming a file in sites-enabled changes the
answer.

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
        fix: "Mark one server per address `default_server` (often a catch-all that returns 444).",
    },
    check,
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        for group in &nginx.listen_groups {
            if group.members.len() < 2 || group.explicit_default.is_some() {
                continue;
            }
            let Some(first) = nginx.servers.get(group.default) else {
                continue;
            };
            let head = first.keyword;
            let address = &group.address;
            let port = address.port.map_or(String::new(), |p| p.to_string());
            let written = if address.host == "0.0.0.0" {
                port
            } else {
                address.to_string()
            };
            sink.push(
                Diagnostic::new(&RULE.meta, head, format!("{} servers listen on {address} and none is `default_server`: this one, read first, answers unknown hosts", group.members.len()))
                    .with_help(format!("add `default_server` to the `listen {written}` of the server meant to catch unknown hosts")),
            );
        }
    }
}
