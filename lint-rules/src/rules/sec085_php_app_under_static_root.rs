use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::nginx::{EffectiveLocation, Server};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC085",
        name: "php-app-under-static-root",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "a server that runs no PHP serves a directory holding another server's PHP application: its scripts' source and files such as `.env` are sent as text",
        aliases: &[],
        doc: r#"One server runs a PHP application (`root /var/www/html/app/public` and a
`fastcgi_pass` location); another server of the same port has a root above it
(`root /var/www/html`) and no PHP location, so it answers every file below as a
static file: `/app/public/index.php` comes back as PHP source, `/app/.env` (the
database password, the application key) as text. The usual case is a
distribution's stock default site left enabled beside the application's own
server (Debian and Ubuntu's `sites-enabled/default`, `default_server` with
`root /var/www/html`): any request whose Host is not the application's name,
a scan by IP address among them, reaches it (bagisto-docker).

Reported when the other server listens on a port the PHP server listens on,
and a request for the application's scripts through it lands in a location
that serves files from that root (not a PHP location, no `return`, no `deny
all`).

**Symptom**: `curl -H 'Host: anything' http://server/app/.env` returns the
application's secrets; `/app/public/index.php` returns its source.

Bad:
```nginx
server {
    listen 80 default_server;
    root /var/www/html;
}
server {
    listen 80;
    server_name shop.example.com;
    root /var/www/html/shop/public;
    location ~ \.php$ { include fastcgi_params; fastcgi_pass unix:/run/php/php8.3-fpm.sock; }
}
```
Good (the stock site removed, or given a root of its own):
```nginx
server {
    listen 80 default_server;
    root /var/www/default;
}
```"#,
        fix: "Remove the other server (Debian's `rm /etc/nginx/sites-enabled/default`), give it a root that holds no application, or make it `return 444;`.",
    },
    check: Check::Model(check),
};

/// The ports a server listens on (`listen` absent: 80).
fn ports(server: &Server) -> Vec<u32> {
    if server.listens.is_empty() {
        return vec![80];
    }
    server.listens.iter().filter_map(|l| l.port).collect()
}

fn root_of(location: &EffectiveLocation) -> Option<String> {
    let root = location.inherited.get("root")?.first();
    (!root.contains('$')).then(|| root.trim_end_matches('/').to_string())
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        // Each PHP server's application roots, once.
        let mut apps: Vec<(&Server, String)> = Vec::new();
        for server in &nginx.servers {
            // A server's roots, not every server's: a search of the whole list per
            // location was quadratic on a hosting box (105 ms at 5 000 sites).
            let first = apps.len();
            for location in &server.locations {
                if location.fastcgi_pass.is_none() || !model.may_talk_to_php(location) {
                    continue;
                }
                let Some(root) = root_of(location).filter(|r| r.len() > 1) else {
                    continue;
                };
                if !apps[first..].iter().any(|(_, r)| *r == root) {
                    apps.push((server, root));
                }
            }
        }
        if apps.is_empty() {
            continue;
        }
        // By root, for a range lookup per server: every server of a hosting box runs PHP,
        // and comparing each with each was quadratic.
        let mut by_root: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for (i, (_, root)) in apps.iter().enumerate() {
            by_root.entry(root.as_str()).or_default().push(i);
        }
        for other in &nginx.servers {
            let Some(level) = other.locations.iter().find(|l| l.span == other.span) else {
                continue;
            };
            let Some(static_root) = root_of(level) else {
                continue;
            };
            let other_ports = ports(other);
            let mut reported = false;
            // The roots strictly below this one: from `root/` up to `root0` ('0' follows '/').
            let (from, to) = (format!("{static_root}/"), format!("{static_root}0"));
            let below = by_root
                .range::<str, _>((
                    std::ops::Bound::Included(from.as_str()),
                    std::ops::Bound::Excluded(to.as_str()),
                ))
                .flat_map(|(_, ids)| ids.iter().map(|&i| &apps[i]));
            for (app, app_root) in below {
                if reported || app.span == other.span {
                    continue;
                }
                if !ports(app).iter().any(|p| other_ports.contains(p)) {
                    continue;
                }
                // The application's root strictly below this server's.
                let Some(rel) = app_root
                    .strip_prefix(static_root.as_str())
                    .filter(|r| r.starts_with('/'))
                else {
                    continue;
                };
                let uri = format!("{rel}/index.php");
                // No location matches: the server level answers.
                let lands = other.location_for(&uri).unwrap_or(level);
                if !lands.serves_files()
                    || lands.alias.is_some()
                    || root_of(lands).as_deref() != Some(static_root.as_str())
                    || denies_all(model, nginx, lands)
                {
                    continue;
                }
                let name = app.names.first().map_or_else(
                    || "another server".to_string(),
                    |(n, _)| format!("the server of {n}"),
                );
                let at = level
                    .inherited
                    .get("root")
                    .map_or(other.keyword, |r| r.span);
                sink.push(
                    Diagnostic::new(
                        &RULE.meta,
                        at,
                        format!(
                            "this server runs no PHP under {static_root}, which holds the PHP application of {name} ({app_root}): `{uri}` is sent as source, and files beside it (`.env`) as text"
                        ),
                    )
                    .with_label("serves the application's files as static files")
                    .with_related(app.keyword, "the PHP application's server")
                    .with_help("remove this server (a distribution's stock default site: `rm /etc/nginx/sites-enabled/default`), give it a root that holds no application, or make it `return 444;`"),
                );
                reported = true;
            }
        }
    }
}

/// Whether the location refuses every client (`deny all;` at its level or an outer one).
fn denies_all(
    model: &Model<'_>,
    nginx: &crate::model::nginx::NginxModel,
    location: &EffectiveLocation,
) -> bool {
    let Some(tree) = model.syntax_of(nginx) else {
        return false;
    };
    let statements: Vec<usize> = tree.locations_at(location.span).collect();
    let block = statements.first().copied().or_else(|| {
        // The server level: its own statement.
        tree.named("server")
            .find(|&i| tree.item(i).span() == location.span)
    });
    let Some(block) = block else {
        return false;
    };
    std::iter::successors(Some(block), |&b| tree.parent(b)).any(|b| {
        tree.children(Some(b)).iter().any(|&c| {
            let item = tree.item(c);
            item.is("deny") && item.arg(0).is_some_and(|a| a == "all")
        })
    })
}
