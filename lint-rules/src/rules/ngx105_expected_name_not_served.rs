use lint_source::{Diagnostic, Span};

use crate::model::{Model, Server};
use crate::rule::Sink;

declare_rule!(
    "NGX105",
    "expected-name-not-served",
    NginxListen,
    Warning,
    "a domain the operator expects (`--names`, `names` in the config file) is answered by no server on 80/443",
    r#"nginx picks a server by the Host header: exact names first, then the
longest `*.` wildcard, then the longest `.*` wildcard, then regexes in order,
and otherwise the default server of the address. A domain missing from every
`server_name` (a typo, a site not enabled, `www.` forgotten) lands on the
default server: the "Welcome to nginx" page, another customer's site, or a 404.

Give the domains that must work with `--names shop.example.com,www.shop.example.com`
or `names = [...]` in .nginx-fpm-lint.toml.

Bad (`--names www.shop.example.com`):
```nginx
server { listen 80; server_name shop.example.com; }
```
Good:
```nginx
server { listen 80; server_name shop.example.com www.shop.example.com; }
```"#,
    "Add the name to the server_name of the site that should answer it (and enable the site).",
    check
);

/// How a server_name entry matches a host, as nginx ranks it (lower is better); `None` = no match.
fn rank(pattern: &str, host: &str) -> Option<(u8, usize)> {
    let p = pattern.to_ascii_lowercase();
    if let Some(re) = p.strip_prefix('~') {
        return fancy_regex::Regex::new(&format!("(?i){re}"))
            .ok()
            .and_then(|r| r.is_match(host).ok())
            .filter(|m| *m)
            .map(|_| (3, 0));
    }
    if p == host {
        return Some((0, p.len()));
    }
    if let Some(suffix) = p.strip_prefix("*.") {
        return host
            .ends_with(&format!(".{suffix}"))
            .then_some((1, usize::MAX - suffix.len()));
    }
    if let Some(domain) = p.strip_prefix('.') {
        if host == domain {
            return Some((0, p.len()));
        }
        return host
            .ends_with(&format!(".{domain}"))
            .then_some((1, usize::MAX - domain.len()));
    }
    if let Some(prefix) = p.strip_suffix(".*") {
        return host
            .starts_with(&format!("{prefix}."))
            .then_some((2, usize::MAX - prefix.len()));
    }
    None
}

fn answers<'m>(servers: &[&'m Server], host: &str) -> Option<(&'m Server, Span)> {
    let mut best: Option<((u8, usize), &Server, Span)> = None;
    for s in servers {
        for (name, span) in &s.names {
            if let Some(r) = rank(name, host) {
                if best.as_ref().is_none_or(|(b, _, _)| r < *b) {
                    best = Some((r, s, *span));
                }
            }
        }
    }
    best.map(|(_, s, span)| (s, span))
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    if model.options.expected_names.is_empty() {
        return;
    }
    for nginx in &model.nginx {
        let web: Vec<&Server> = nginx
            .servers
            .iter()
            .filter(|s| s.listens.iter().any(|l| matches!(l.port, Some(80 | 443))))
            .collect();
        let Some(first) = web.first() else { continue };
        let default = web
            .iter()
            .find(|s| {
                s.listens
                    .iter()
                    .any(|l| l.default_server && matches!(l.port, Some(80 | 443)))
            })
            .unwrap_or(first);
        for host in &model.options.expected_names {
            let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
            if host.is_empty() || answers(&web, &host).is_some() {
                continue;
            }
            let label = default.names.first().map_or(default.span, |(_, s)| *s);
            sink.push(
                Diagnostic::new(&RULE.meta, label, format!("no server on port 80/443 names \"{host}\": requests for it go to this default server"))
                    .with_help(format!("add `{host}` to the server_name of the site that should answer it, and check that the site is enabled")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn nginx_name_ranking() {
        assert_eq!(rank("shop.example.com", "shop.example.com"), Some((0, 16)));
        assert!(rank("*.example.com", "a.example.com").is_some());
        assert!(rank("*.example.com", "example.com").is_none());
        assert!(rank(".example.com", "example.com").is_some());
        assert!(rank("www.example.*", "www.example.org").is_some());
        assert!(rank("~^api\\d+\\.example\\.com$", "api7.example.com").is_some());
        assert!(rank("_", "anything").is_none());
        assert!(rank("*.example.com", "a.example.com") < rank("www.example.*", "www.example.com"));
    }
}
