use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X028",
        name: "status-page-not-the-pools",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "a status or ping location reaches a pool whose `pm.status_path` and `ping.path` are other URIs: php-fpm runs the URI as a script",
        aliases: &[],
        doc: r#"php-fpm answers its status page and its ping page itself, but only for the
URI its pool names: `pm.status_path` and `ping.path`, compared with the request's
`SCRIPT_NAME`. Any other URI is run as a script: the file nginx names in
`SCRIPT_FILENAME` (`/var/www/html/fpm-status`), which does not exist (and, if it did,
has no `.php` extension that `security.limit_extensions` allows). A location
`= /fpm-status` sent to a pool
whose status page is `/status` (or that has none) never shows the status. Only exact
locations and simple regexes (`~ ^/(status|ping)$`) whose URI says status or ping are
judged, and not those that send a fixed script (`$document_root/index.php`). Nor are loose
nginx files (no Compose file, Dockerfile or manifest places them) whose pool is only the
stand-in image's stock `[www]`, with no pool file of the repository: which php-fpm they
reach, and its pages, is not known (a Kubernetes Service of an image built elsewhere).

**Symptom**: the monitoring check gets 404 "File not found." (nginx's error log:
`FastCGI sent in stderr: "Primary script unknown"`) instead of the pool's status;
live, nginx 1.22 and php-fpm 8.2.

Bad (the pool's page is `/status`):
```nginx
location = /fpm-status {
    include fastcgi_params;
    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```ini
; the pool names the URI nginx sends
pm.status_path = /fpm-status
```"#,
        fix: "Set the pool's `pm.status_path` (or `ping.path`) to the location's URI, or point the location at the pool whose page it is.",
    },
    check: Check::Server(check),
};

/// The URIs a location matches when it matches a few literal paths: `= /fpm-status`,
/// `~ ^/(status|ping)$`, `~ ^/fpm-status$`. `None` for any other pattern.
fn literal_uris(pattern: &str) -> Option<Vec<String>> {
    if let Some(uri) = pattern.strip_prefix("= ") {
        return Some(vec![uri.trim().to_string()]);
    }
    let regex = pattern
        .strip_prefix("~* ")
        .or_else(|| pattern.strip_prefix("~ "))?
        .trim();
    let body = regex.strip_prefix('^')?.strip_suffix('$')?;
    let literal = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-'))
    };
    match body.split_once('(') {
        None => literal(body).then(|| vec![body.to_string()]),
        Some((head, rest)) => {
            let (group, tail) = rest.split_once(')')?;
            let group = group.strip_prefix("?:").unwrap_or(group);
            if !literal(head) || !literal(tail) || !group.split('|').all(literal) {
                return None;
            }
            Some(
                group
                    .split('|')
                    .map(|alternative| format!("{head}{alternative}{tail}"))
                    .collect(),
            )
        }
    }
}

/// Whether every line of `pool` (and its `[name]`) comes from the stand-in image loose
/// files are read in (`php:fpm (official image)`, assumed: nothing names an image), none
/// from a file of the repository.
fn only_the_assumed_image(model: &Model<'_>, pool: &fpm_conf_parser::Pool) -> bool {
    let assumed = |span: lint_source::Span| {
        model
            .map
            .get(span.file)
            .origin
            .as_deref()
            .is_some_and(|o| o.contains("php:fpm (official image), stock "))
    };
    assumed(pool.name_span) && pool.entries.iter().all(|e| assumed(e.value_span))
}

/// A URI a monitoring check asks php-fpm for: it says status or ping, and names no script.
fn looks_like_status_page(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    uri.starts_with('/')
        && (lower.contains("status") || lower.contains("ping"))
        && !lower.ends_with(".php")
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        let Some(mut uris) = literal_uris(&location.pattern) else {
            continue;
        };
        // php-fpm compares the SCRIPT_NAME it gets: one written as a literal after
        // `include fastcgi.conf` (`fastcgi_param SCRIPT_NAME /fpm-status;`) is the page
        // asked for, whatever the URI (live: 200 with the status page).
        let sent = location
            .inherited
            .params
            .as_ref()
            .and_then(|list| list.get("SCRIPT_NAME"))
            .map(|p| p.value.trim_matches('"').to_string())
            .filter(|v| v.starts_with('/') && !v.contains('$'));
        if let Some(sent) = sent {
            uris = vec![sent];
        }
        if location.runs_fixed_script() {
            continue;
        }
        let reached: Vec<_> = model.reached_pools(location).collect();
        let Some((target, pool)) = reached.first() else {
            continue;
        };
        // With several pools behind one upstream, any of them answering is enough.
        let answers = |pool: &fpm_conf_parser::Pool, uri: &str| {
            ["pm.status_path", "ping.path"]
                .iter()
                .any(|key| pool.value(key).as_deref() == Some(uri))
        };
        // Loose files (no Compose file, Dockerfile or manifest places them) meet a php-fpm
        // by guess: the official image's stock pool, when no pool file of the repository
        // writes to it. What pages the pool nginx really reaches has is not known then
        // (IBM/drupal-nginx-php-kubernetes: a loose site passes to the `php-fpm` Service,
        // whose image is built elsewhere with `pm.status_path = /status`).
        if reached
            .iter()
            .all(|(_, p)| only_the_assumed_image(model, p.pool))
        {
            continue;
        }
        let unanswered: Vec<&String> = uris
            .iter()
            .filter(|u| looks_like_status_page(u.as_str()))
            .filter(|u| !reached.iter().any(|(_, p)| answers(p.pool, u)))
            .collect();
        let Some(first) = unanswered.first() else {
            continue;
        };
        let listed = unanswered
            .iter()
            .map(|u| u.as_str())
            .collect::<Vec<_>>()
            .join(" and ");
        let (verb, page) = if unanswered.len() == 1 {
            ("is", "a page")
        } else {
            ("are", "pages")
        };
        let pages: Vec<String> = ["pm.status_path", "ping.path"]
            .iter()
            .filter_map(|key| pool.pool.value(key).map(|v| format!("{key} = {v}")))
            .collect();
        let mut d = Diagnostic::new(
            &RULE.meta,
            location.span,
            if pages.is_empty() {
                format!(
                    "{listed} {verb} sent to pool [{}], which has no status or ping page: php-fpm runs the URI as a script",
                    pool.pool.name
                )
            } else {
                format!(
                    "{listed} {verb} not {page} of pool [{}] ({}): php-fpm runs the URI as a script",
                    pool.pool.name,
                    pages.join(", ")
                )
            },
        )
        .with_related(target.span, "sent to the pool here")
        .with_note("at runtime: 404 \"File not found.\", \"Primary script unknown\" in nginx's error log");
        if let Some(entry) = pool
            .pool
            .get("pm.status_path")
            .or_else(|| pool.pool.get("ping.path"))
        {
            d = d.with_related(entry.value_span, "the pool's page");
        }
        // The pool whose page it is (perusio's two pools, their pages crossed).
        let owner = model.pools().find(|p| answers(p.pool, first));
        d = match owner {
            Some(owner) => d
                .with_related(
                    owner.pool.name_span,
                    format!("pool [{}] answers {first}", owner.pool.name),
                )
                .with_help(format!(
                    "point this location at pool [{}], or set `pm.status_path = {first}` in pool [{}]",
                    owner.pool.name, pool.pool.name
                )),
            None => d.with_help(format!(
                "set `pm.status_path = {first}` (or `ping.path`) in pool [{}]",
                pool.pool.name
            )),
        };
        sink.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::literal_uris;

    #[test]
    fn exact_and_simple_regex_locations_give_their_uris() {
        assert_eq!(
            literal_uris("= /fpm-status"),
            Some(vec!["/fpm-status".into()])
        );
        assert_eq!(
            literal_uris("~ ^/(status|ping)$"),
            Some(vec!["/status".into(), "/ping".into()])
        );
        assert_eq!(
            literal_uris("~ ^/php-fpm_(status|ping)$"),
            Some(vec!["/php-fpm_status".into(), "/php-fpm_ping".into()])
        );
        assert_eq!(literal_uris("~ \\.php$"), None);
        assert_eq!(literal_uris("/status"), None);
        assert_eq!(literal_uris("~ ^/status.*$"), None);
    }
}
