use crate::rule::{Check, Rule, Sink};
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
may hold its `listen ... default_server`. Servers that all sit in one file, the first
of which redirects every request (`return 301 ...`) or, named for no host
(`server_name _;`), refuses every request (`return 444`), are not reported: that server was put first to catch, and no file name changes the order (the documented
`www` → apex redirect pair of phpBB, CakePHP and Yii). An IPv4 and an IPv6 address
with the same servers are one finding.

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
    check: Check::Model(check),
};

/// One finding: the servers of the groups it covers, the first of them, how the listen
/// is written, and every address.
struct Unmarked {
    servers: Vec<usize>,
    first: usize,
    written: String,
    addresses: Vec<String>,
}

/// A redirect (to the canonical host).
fn redirects(code: &str) -> bool {
    matches!(code, "301" | "302" | "303" | "307" | "308")
}

/// A refusal: `444` closes the connection, `4xx` answers an error.
fn refuses(code: &str) -> bool {
    code.len() == 3 && code.starts_with('4') && code.bytes().all(|b| b.is_ascii_digit())
}

/// A server named for no real host (`server_name _;`, `""` or none): a catch-all by
/// intent. One named `other.test` that answers 404 is a site, not a catch-all.
fn named_for_no_host(server: &crate::model::Server) -> bool {
    server
        .names
        .iter()
        .all(|(name, _)| matches!(name.as_str(), "_" | "" | "\"\"" | "''"))
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        let mut found: Vec<Unmarked> = Vec::new();
        for group in &nginx.listen_groups {
            if group.members.len() < 2 || group.explicit_default.is_some() {
                continue;
            }
            let Some(first) = nginx.servers.get(group.default) else {
                continue;
            };
            // Servers of one file are read in the order written, and a first one that
            // redirects every request (to the canonical host) was put there to catch
            // (phpBB's, CakePHP's and Yii's documented www → apex redirect pair): which
            // server answers unknown hosts is plain, and no file name changes it. So was
            // a first one that refuses every request (`server_name _; return 444;`,
            // magenx's and nginx's own docs' catch-all).
            let one_file = group.members.iter().all(|m| {
                nginx
                    .servers
                    .get(m.server)
                    .is_some_and(|s| s.span.file == first.span.file)
            });
            let redirects_all = first.locations.first().is_some_and(|level| {
                level.redirects_all.is_some()
                    || level.early_return.as_ref().is_some_and(|r| {
                        let code = r.first();
                        redirects(code) || (refuses(code) && named_for_no_host(first))
                    })
            });
            if one_file && redirects_all {
                continue;
            }
            let mut servers: Vec<usize> = group.members.iter().map(|m| m.server).collect();
            servers.sort_unstable();
            let address = group.address.to_string();
            // `listen 80` beside `listen [::]:80` with the same servers: one finding.
            if let Some(same) = found
                .iter_mut()
                .find(|u| u.servers == servers && u.first == group.default)
            {
                same.addresses.push(address);
                continue;
            }
            let written = if group.address.host == "0.0.0.0" {
                group.address.port.map_or(String::new(), |p| p.to_string())
            } else {
                address.clone()
            };
            found.push(Unmarked {
                servers,
                first: group.default,
                written,
                addresses: vec![address],
            });
        }
        for u in found {
            let Some(first) = nginx.servers.get(u.first) else {
                continue;
            };
            sink.push(
                Diagnostic::new(&RULE.meta, first.keyword, format!("{} servers listen on {} and none is `default_server`: this one, read first, answers unknown hosts", u.servers.len(), u.addresses.join(" and ")))
                    .with_help(format!("add `default_server` to the `listen {}` of the server meant to catch unknown hosts", u.written)),
            );
        }
    }
}
