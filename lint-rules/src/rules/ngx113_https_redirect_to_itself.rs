use crate::model::syntax::{Node, Tree};
use crate::model::{Model, NginxModel, Server};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX113",
        name: "https-redirect-to-itself",
        family: Family::NginxListen,
        severity: Severity::Error,
        summary: "a server that speaks TLS redirects every request to `https://` on itself: HTTPS requests redirect forever",
        aliases: &[],
        doc: r#"`return 301 https://$host$request_uri;` belongs in the server of port 80. Written
in a server that also listens with `ssl` (after merging the two servers, or a
certbot edit in the wrong block), it answers the HTTPS request with a redirect to
the same URL, again and again: browsers stop with "too many redirects". Reported for
a `return` or a `rewrite` that matches every URI, at the server's level or in its
`location /`, not inside an `if`, whose target is `https://` with the request's
host (`$host`, `$server_name`, `$http_host`) or one of the server's names, on a
port the server listens on with TLS (443 when none is written). A redirect to
another name (`www.` to the bare domain) is another server's request, one
under `if ($scheme = http)` only applies to plain HTTP, and one in `location /`
to a literal path another location serves (`return 302
https://$host/admin/;` beside `location /admin/`) lands there.

**Symptom**: `ERR_TOO_MANY_REDIRECTS`; every HTTPS answer is `301` with `Location`
pointing at itself, nothing in the error log (live, nginx 1.22.1: a server with
`listen 8443 ssl` and `return 301 https://$host:8443$request_uri;` redirected
`https://127.0.0.1:8443/about` to itself until curl gave up; under `if ($scheme =
http)`, 200).

Bad:
```nginx
server {
    listen 80;
    listen 443 ssl;
    server_name example.com;
    return 301 https://$host$request_uri;
}
```
Good:
```nginx
server {
    listen 80;
    server_name example.com;
    return 301 https://$host$request_uri;
}
server {
    listen 443 ssl;
    server_name example.com;
    # the site
}
```"#,
        fix: "Move the redirect into a server that listens only on port 80, or guard it with `if ($scheme = http) { return 301 https://$host$request_uri; }`.",
    },
    check: Check::Server(check),
};

/// The host and port of an `https://` target, when it is the request's own host or a
/// literal one: `(Some(name) | None for the request's host, port)`.
fn https_target(url: &str) -> Option<(Option<String>, Option<u32>)> {
    let rest = url.strip_prefix("https://")?;
    let own = ["$host", "$server_name", "$http_host"]
        .into_iter()
        .find(|v| {
            rest.strip_prefix(v).is_some_and(|after| {
                !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        });
    let (host, after) = match own {
        Some(v) => (None, &rest[v.len()..]),
        None => {
            let end = rest.find(['/', ':', '$', '?']).unwrap_or(rest.len());
            (Some(rest[..end].to_ascii_lowercase()), &rest[end..])
        }
    };
    if host.as_deref().is_some_and(str::is_empty) {
        return None;
    }
    let port = match after.strip_prefix(':') {
        Some(p) => {
            let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
            Some(digits.parse().ok()?)
        }
        None => None,
    };
    Some((host, port))
}

/// The literal path of an `https://` target (`https://$host/admin/` → `/admin/`; `/`
/// when it names none); `None` when the path comes from a variable (`$request_uri`: the
/// request's own URI).
fn target_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let rest = ["$host", "$server_name", "$http_host"]
        .into_iter()
        .find_map(|v| {
            rest.strip_prefix(v)
                .filter(|after| !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
        })
        .unwrap_or_else(|| {
            let end = rest.find(['/', ':', '$', '?']).unwrap_or(rest.len());
            &rest[end..]
        });
    let rest = match rest.strip_prefix(':') {
        Some(p) => p.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => rest,
    };
    if rest.is_empty() || rest.starts_with('?') {
        return Some("/".to_string());
    }
    if !rest.starts_with('/') {
        return None;
    }
    let path = &rest[..rest.find(['$', '?']).unwrap_or(rest.len())];
    Some(path.to_string())
}

/// The redirect a statement makes of every request, as its target URL.
fn redirect_all(node: Node<'_, '_>) -> Option<String> {
    if node.is("return") {
        let (code, url) = match node.arg_count() {
            1 => ("302", node.arg(0)),
            _ => (node.arg(0), node.arg(1)),
        };
        return ["301", "302", "303", "307", "308"]
            .contains(&code)
            .then(|| url.to_string());
    }
    if node.is("rewrite") && crate::model::syntax::matches_every_uri(node.arg(0)) {
        return Some(node.arg(1).to_string());
    }
    None
}

fn check(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let tls_ports: Vec<u32> = server
        .listens
        .iter()
        .filter(|l| l.ssl)
        .map(|l| l.port.unwrap_or(443))
        .collect();
    if tls_ports.is_empty() {
        return;
    }
    let Some(tree) = model.syntax_of(nginx) else {
        return;
    };
    let Some(block) = server_node(tree, server) else {
        return;
    };
    // The server's own statements, then those of its `location /` (not of an `if`).
    let root_location = block
        .children()
        .find(|c| c.is("location") && c.is_block() && c.arg_count() == 1 && c.arg(0) == "/");
    let statements = block.children().map(|c| (c, false)).chain(
        root_location
            .into_iter()
            .flat_map(|l| l.children().map(|c| (c, true))),
    );
    for (statement, in_root_location) in statements {
        let Some(url) = redirect_all(statement) else {
            continue;
        };
        // From `location /`, a redirect to a literal path another location serves lands
        // there, not back here (YunoHost's default server: `location / { return 302
        // https://$host/yunohost/admin; }` beside its `location /yunohost/admin`).
        if in_root_location {
            let landing = target_path(&url).and_then(|path| server.location_for(&path));
            if let (Some(landing), Some(root)) = (landing, root_location) {
                if landing.span != root.span() {
                    continue;
                }
            }
        }
        let Some((host, port)) = https_target(&url) else {
            continue;
        };
        let own_name = host
            .as_ref()
            .is_none_or(|h| server.names.iter().any(|(n, _)| n.eq_ignore_ascii_case(h)));
        let port = port.unwrap_or(443);
        if !own_name || !tls_ports.contains(&port) {
            continue;
        }
        let mut d = Diagnostic::new(
            &RULE.meta,
            statement.span(),
            format!("this server speaks TLS on port {port}, and redirects every request to {url}: an HTTPS request is sent back to itself, forever"),
        )
        .with_label("redirects HTTPS requests to themselves")
        .with_help("move the redirect into a server that listens only on port 80, or put it under `if ($scheme = http) { ... }`")
        .with_note("at runtime: browsers stop with \"too many redirects\"");
        if let Some(listen) = server.listens.iter().find(|l| l.ssl) {
            d = d.with_related(listen.span, "TLS here");
        }
        sink.push(d);
    }
}

/// The `server` block of a model server.
fn server_node<'t, 'a>(tree: &'t Tree<'a>, server: &Server) -> Option<Node<'t, 'a>> {
    tree.http_servers().find(|n| n.span() == server.span)
}

#[cfg(test)]
mod tests {
    use super::https_target;

    #[test]
    fn targets_on_the_request_host_or_a_name() {
        assert_eq!(
            https_target("https://$host$request_uri"),
            Some((None, None))
        );
        assert_eq!(
            https_target("https://$server_name:8443$request_uri"),
            Some((None, Some(8443)))
        );
        assert_eq!(
            https_target("https://Example.com/$1"),
            Some((Some("example.com".into()), None))
        );
        assert_eq!(https_target("http://$host$request_uri"), None);
        assert_eq!(https_target("https://$canonical$request_uri"), None);
        assert_eq!(
            https_target("https://$hostname/x"),
            None,
            "another variable than the request's host"
        );
        assert_eq!(https_target("/login"), None);
    }

    #[test]
    fn target_paths() {
        use super::target_path;
        assert_eq!(
            target_path("https://$host/yunohost/admin").as_deref(),
            Some("/yunohost/admin")
        );
        assert_eq!(
            target_path("https://example.com:8443/a/$1").as_deref(),
            Some("/a/")
        );
        assert_eq!(target_path("https://$host").as_deref(), Some("/"));
        assert_eq!(target_path("https://$host$request_uri"), None);
        assert_eq!(target_path("https://$hostname/x"), None);
    }
}
