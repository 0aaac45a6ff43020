use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX204",
        name: "index-without-index-php",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "a PHP server whose `index` lacks index.php and whose `/` has no front controller",
        aliases: &[],
        doc: r#"A request for a directory (`/`, `/admin/`) looks for the `index` files.
Without `index.php` among them, and without a `try_files ... /index.php`
fallback, nginx does not run the PHP entry point.

**Symptom**: 403 Forbidden; nginx logs `directory index of "/var/www/app/" is
forbidden`.

Bad:
```nginx
index index.html;
location ~ \.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
```
Good:
```nginx
index index.php index.html;
location ~ \.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
```

A `try_files` fallback counts only without a directory parameter before it:
`try_files $uri $uri/ /index.php?$args;` sends `/` to the index files first (403
again).

Under `--root`, not reported when the server's root holds one of its `index` files, or
holds no index.php (ruTorrent: `index index.html;` with PHP endpoints beside it).

Not reported when `location /` hands requests on (`proxy_pass` or another `*_pass`,
`return`): directory requests never reach the index module there.

Autofix: safe — `index.php` is appended to the `index` list (the files listed before
it keep their precedence)."#,
        fix: "Add index.php to `index`, or `try_files $uri /index.php?$query_string;` in `location /` (a `$uri/` before the fallback hands `/` to `index` again).",
    },
    check: Check::Server(check),
};

/// Under `--root`, the server's root holds one of its `index` files, or holds no
/// index.php: directory requests find their page, or the site's entry point is not an
/// index.php (ruTorrent's `index index.html;` with PHP endpoints beside it).
fn serves_its_own_index(
    model: &Model<'_>,
    level: &crate::model::EffectiveLocation,
    index: &[String],
) -> bool {
    use crate::model::filesystem::Probe;
    let Some(root) = level.inherited.get("root").map(|r| r.first()) else {
        return false;
    };
    let root = std::path::Path::new(root);
    // Only a root that is there says what it holds (a tree of /etc alone does not).
    if !matches!(model.filesystem.get(root), Probe::Present(facts) if facts.is_dir) {
        return false;
    }
    let file = |name: &str| match model.filesystem.get(&root.join(name)) {
        Probe::Present(facts) => Some(!facts.is_dir),
        Probe::Missing => Some(false),
        Probe::Unknown => None,
    };
    let Some(has_index_php) = file("index.php") else {
        return false;
    };
    !has_index_php || index.iter().any(|name| file(name) == Some(true))
}

fn check(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let Some(level) = server.locations.first() else {
        return;
    };
    if !server
        .locations
        .iter()
        .any(|l| l.fastcgi_pass.is_some() && l.is_php_regex())
    {
        return;
    }
    // A `try_files` fallback to the script serves `/` only when no directory parameter
    // (`$uri/`) comes first: that one hands `/` to the index module (live, nginx 1.22.1:
    // `try_files $uri $uri/ /index.php?$args;` with `index index.html` answers 403).
    let front_controller = server.locations.iter().any(|l| {
        l.try_files.as_ref().is_some_and(|t| {
            let Some(at) = t.args.iter().position(|a| a.contains(".php")) else {
                return false;
            };
            !t.args[..at].iter().any(|a| a.ends_with('/'))
        })
    });
    // `location / { rewrite ^ /index.php last; }` (timrourke/k8s-php-fpm-example): every
    // request, `/` among them, goes to the script.
    let rewrites_to_script = model.syntax_of(nginx).is_some_and(|tree| {
        server.locations.iter().skip(1).any(|l| {
            l.pattern.split_whitespace().last() == Some("/")
                && tree.locations_at(l.span).any(|n| {
                    tree.node(n)
                        .children()
                        .any(|c| c.is("rewrite") && c.arg(1).contains(".php"))
                })
        })
    });
    if front_controller || rewrites_to_script {
        return;
    }
    let directory_first = server.locations.iter().any(|l| {
        l.try_files
            .as_ref()
            .is_some_and(|t| t.args.iter().any(|a| a.contains(".php")))
    });
    let why = if directory_first {
        "and `$uri/` comes before the try_files fallback: `/` goes to the index files"
    } else {
        "and no location falls back to a PHP front controller"
    };
    // `/` falls back to a named location (amimoto: `@wordpress`, a proxy to the PHP
    // server; live 200), or PHP apps live under paths with an index.php of their own
    // while `/` is a static site (mail-in-a-box's /mail and /cloud): no 403 follows.
    let elsewhere = server.locations.iter().enumerate().any(|(i, l)| {
        // The server level (first entry) or `location /`: what `/` itself does.
        let serves_root = i == 0 || l.pattern.split_whitespace().last() == Some("/");
        serves_root
            && l.try_files
                .as_ref()
                .is_some_and(|t| t.args.last().is_some_and(|a| a.starts_with('@')))
            || l.inherited
                .get("index")
                .is_some_and(|i| i.args.iter().any(|a| a.ends_with(".php")))
    });
    if elsewhere {
        return;
    }
    // `location /` handing requests to a proxy (or answering them itself): directory
    // requests never reach the index module, so no 403 follows (a proxied site that
    // keeps Debian's PHP block for direct .php URLs; live: `/`, `/sub/` proxied, 200).
    let root_handed_off = server.locations.iter().skip(1).any(|l| {
        let words: Vec<&str> = l.pattern.split_whitespace().collect();
        matches!(words.as_slice(), ["/"] | ["^~", "/"] | ["=", "/"])
            && (!l.other_pass.is_empty()
                || l.fastcgi_pass.is_some()
                || l.early_return.is_some()
                || l.redirects_all.is_some())
    });
    if root_handed_off {
        return;
    }
    // No `index` anywhere means nginx's own `index.html` (live: 403 on `/` beside an
    // index.php), but most servers written without one are APIs or proxies whose `/`
    // is never a directory request: not judged.
    let Some(index) = level.inherited.get("index") else {
        return;
    };
    if index.args.iter().any(|a| a.ends_with(".php")) {
        return;
    }
    if serves_its_own_index(model, level, &index.args) {
        return;
    }
    sink.push(
        Diagnostic::new(
            &RULE.meta,
            index.span,
            format!("`index {}` has no index.php, {why}", index.args.join(" ")),
        )
        .with_help("add index.php to `index`")
        .with_fix_opt(
            crate::fixes::statement(model.map, index.span).and_then(|stmt| {
                let (last, _) = stmt.args.last()?;
                Some(Fix::safe(
                    "add index.php to `index`",
                    vec![Edit::insert(
                        lint_source::Span::point(last.file, last.end as usize),
                        " index.php",
                    )],
                ))
            }),
        )
        .with_note("at runtime: 403 Forbidden, \"directory index of ... is forbidden\""),
    );
}
