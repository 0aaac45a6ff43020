use crate::model::syntax::Tree;
use crate::model::NginxModel;
use crate::rule::{Check, Rule, Sink};
use foldhash::{HashMap, HashSet};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

use crate::model::nginx::{EffectiveLocation, Server};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC056",
        name: "access-rules-lost-to-php-regex",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "a location restricts access (`auth_basic`, `deny`, `auth_request`), but its `.php` URIs go to a regex PHP location without the restriction (a plain prefix, or a regex written after the PHP one)",
        aliases: &[],
        doc: r#"nginx picks a regex location over a plain prefix one, and a request is
checked only against the access rules of the location that serves it. With
`location /admin/ { auth_basic "Staff"; ... }` and a server-level `location ~ \.php$`,
`/admin/` asks for a password but `/admin/index.php` is served by the PHP location,
which asks for none: every script under `/admin/` runs for anyone. The same holds for
`allow`/`deny` lists, `auth_request` and a folder hidden with `return 403;`. Judged for a prefix location at the server's
top level with no locations inside (nginx searches nested regexes first, so a nested
PHP location keeps the rules) that is no endpoint of its own (`stub_status`,
`proxy_pass`), when the PHP location that serves `<prefix>x.php` sets
no access rule of its own nor inherits one from the server or `http`. A PHP location
that hands the script to a named one (`try_files /x.htm @php;`, ISPConfig's vhosts)
counts with that named location's rules too. Uploads folders are SEC053's; hidden
folders (`/.git`) hold no scripts.

A regex location that restricts access loses the same way when it is written after
the PHP location: regex locations are tried in the order written, so
`location ~* xmlrpc.php { deny all; }` below `location ~ \.php$` never sees
`/xmlrpc.php`, and `location ~ /(libs|vendor) { deny all; }` never sees
`/vendor/x.php` (WordPress hardening snippets, Dolibarr's template; live, nginx
1.22.1: 200 for the script, 403 once the deny is moved above). Judged for the scripts
and folders the pattern names; for a regex nested in a prefix location, under that
prefix (nginx tries it before the server's regexes there).

**Symptom**: `GET /admin/` answers 401 (or 403), `GET /admin/index.php` runs the
script without credentials (live, nginx 1.22.1: 401 for the folder, 200 for its
script; ISPConfig's `/stats/` vhost template has this shape).

Bad:
```nginx
location /admin/ {
    auth_basic "Staff";
    auth_basic_user_file /etc/nginx/htpasswd;
}
location ~ \.php$ {
    try_files $uri =404;
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location ^~ /admin/ {
    auth_basic "Staff";
    auth_basic_user_file /etc/nginx/htpasswd;
    location ~ \.php$ {
        try_files $uri =404;
        include fastcgi.conf;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
location ~ \.php$ {
    try_files $uri =404;
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Make the prefix location `^~` and nest the PHP location in it (it inherits the access rules), move a regex location that denies above the PHP location, or repeat the rules in a PHP location for those scripts placed before the general one.",
    },
    check: Check::Server(check),
};

/// Directives that restrict who gets an answer, and whether the statement `s` restricts
/// (`auth_basic off;` lifts an inherited one; `allow` alone restricts nothing: SEC051).
fn restricts(s: &nginx_conf_parser::Item<'_>) -> Option<&'static str> {
    let on = |name: &'static str| {
        (s.is(name) && s.arg(0).is_some_and(|a| !a.eq_ignore_ascii_case("off"))).then_some(name)
    };
    on("auth_basic")
        .or_else(|| on("auth_request"))
        .or_else(|| on("auth_jwt"))
        .or_else(|| s.is("deny").then_some("deny"))
        .or_else(|| {
            // `return 403;` hides a folder as `deny all;` does.
            (s.is("return")
                && s.arg(0)
                    .is_some_and(|a| matches!(a.as_ref(), "401" | "403" | "404" | "444")))
            .then_some("return")
        })
}

/// The first access rule written directly in block `block` (`None`: the top level).
fn own_restriction(tree: &Tree<'_>, block: Option<usize>) -> Option<(usize, &'static str)> {
    tree.children(block)
        .iter()
        .find_map(|&c| restricts(&tree.item(c)).map(|name| (c, name)))
}

/// Which of a server's locations hold another one and which are held by one (by span,
/// as [`EffectiveLocation::is_within`] tells): one sweep over the spans in order, where a
/// scan per location made a server of 32 000 `location /pN/ { deny all; }` take 20 s.
fn nesting(server: &Server) -> (HashSet<Span>, HashSet<Span>) {
    let mut spans: Vec<Span> = server.locations.iter().skip(1).map(|l| l.span).collect();
    // Outer before inner at one start; the same statement spliced twice is one.
    spans.sort_by_key(|s| (s.file, s.start, std::cmp::Reverse(s.end)));
    spans.dedup();
    let (mut holders, mut held) = (HashSet::default(), HashSet::default());
    // The locations around the current one: blocks nest, so the innermost one still
    // open is the one that holds it.
    let mut open: Vec<Span> = Vec::new();
    for span in spans {
        while open
            .last()
            .is_some_and(|o| o.file != span.file || span.start < o.start || span.end > o.end)
        {
            open.pop();
        }
        if let Some(outer) = open.last() {
            holders.insert(*outer);
            held.insert(span);
        }
        open.push(span);
    }
    (holders, held)
}

/// The location that runs the script of a request `regex` serves: `regex` itself when it
/// passes to FastCGI, else the named location its `try_files` falls back to when that one
/// does (ISPConfig's `location ~ \.php$ { try_files /<random>.htm @php; }`, whose
/// `location @php` holds the `fastcgi_pass`).
fn script_runner<'a>(
    server: &'a Server,
    regex: &'a EffectiveLocation,
) -> Option<&'a EffectiveLocation> {
    if regex.fastcgi_pass.is_some() {
        return Some(regex);
    }
    let fallback = regex.try_files.as_ref()?.args.last()?;
    if !fallback.starts_with('@') {
        return None;
    }
    server
        .locations
        .iter()
        .skip(1)
        .find(|l| l.pattern == *fallback && l.fastcgi_pass.is_some())
}

/// Whether an access rule covers the scripts `php` serves: one written in it or a block
/// around it, or in the named location that runs them (nginx runs the access phase
/// again after the jump to a named location).
fn php_guarded(
    tree: &Tree<'_>,
    php: &EffectiveLocation,
    runner: &EffectiveLocation,
    restricted: &mut HashMap<Option<usize>, bool>,
) -> bool {
    let mut levels = Vec::new();
    for location in [php, runner] {
        let Some(node) = tree.locations_at(location.span).next() else {
            // Not found in the tree: say guarded, never a finding on a guess.
            return true;
        };
        levels.push(Some(node));
        levels.extend(tree.ancestors(node).map(Some));
    }
    levels.into_iter().any(|level| {
        *restricted
            .entry(level)
            .or_insert_with(|| own_restriction(tree, level).is_some())
    })
}

fn check_server(
    server: &Server,
    tree: &Tree<'_>,
    (holders, held): (&HashSet<Span>, &HashSet<Span>),
    sink: &mut Sink,
) {
    let locations = || server.locations.iter().skip(1);
    let nested_in = |l: &EffectiveLocation| held.contains(&l.span);
    let mut restricted: HashMap<Option<usize>, bool> = HashMap::default();
    for guarded in locations() {
        let Some(prefix) = guarded.plain_prefix() else {
            continue;
        };
        // Scripts in an uploads folder are SEC053's; a hidden folder (`/.git`) holds
        // none.
        if prefix.to_ascii_lowercase().contains("upload")
            || prefix.split('/').any(|segment| segment.starts_with('.'))
        {
            continue;
        }
        if holders.contains(&guarded.span) || nested_in(guarded) {
            continue;
        }
        let Some(node) = tree.locations_at(guarded.span).next() else {
            continue;
        };
        let Some((rule_at, rule_name)) = own_restriction(tree, Some(node)) else {
            continue;
        };
        // An endpoint (`stub_status`, a proxied application) answers itself: it is no
        // folder of the server's scripts.
        let endpoint = tree.children(Some(node)).iter().any(|&c| {
            let s = tree.item(c);
            s.is("stub_status")
                || crate::model::syntax::CONTENT_HANDLERS
                    .iter()
                    .any(|h| s.is(h))
        });
        if endpoint {
            continue;
        }
        let Some((probe, php)) = server.script_location_under(prefix) else {
            continue;
        };
        let Some(runner) = script_runner(server, php) else {
            continue;
        };
        if php.span == guarded.span || php.early_return.is_some() || nested_in(php) {
            continue;
        }
        // The PHP location, the server and http (and the named location that runs the
        // script): any access rule there covers the scripts too (not necessarily the
        // same one: not judged). Many guarded folders share one PHP location: each
        // level is read once.
        if php_guarded(tree, php, runner, &mut restricted) {
            continue;
        }
        let what = match rule_name {
            "deny" => "its allow/deny list",
            "auth_basic" => "its password (auth_basic)",
            "auth_request" => "its auth_request",
            "return" => "the refusal its `return` gives",
            _ => "its auth_jwt",
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                tree.item(rule_at).span(),
                format!(
                    "`{probe}` goes to the PHP location, which has none of this location's access rules: scripts under {} run without {what}",
                    probe.trim_end_matches("x.php")
                ),
            )
            .with_related(php.span, "a regex location wins over the plain prefix one, and only the serving location's access rules apply")
            .with_help(format!(
                "make it `location ^~ {prefix}` and nest the PHP location in it"
            )),
        );
    }
}

/// URIs a regex location's pattern names that end in `.php`: each literal run of the
/// pattern that names a script (`xmlrpc.php`, `wp-config\.php`) as a path, and each
/// folder-like one (`/(libs|vendor)/` gives `/libs/x.php`). Hidden names (`/\.ht`) and
/// uploads folders (SEC053's) give none.
fn php_probes(pattern: &str) -> Vec<String> {
    let regex = pattern
        .trim_start_matches("~*")
        .trim_start_matches('~')
        .trim();
    // An uploads rule is SEC053's, whatever else it names (`/(?:uploads|files)/`).
    if regex.to_ascii_lowercase().contains("upload") {
        return Vec::new();
    }
    let mut literals: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = regex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('.' | '/' | '-')) => current.push(e),
                _ => literals.push(std::mem::take(&mut current)),
            },
            c if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/') => current.push(c),
            // `.*`, `.+`: any text, which ends the name before it (`/user/.*\.php$`
            // names the folder `/user/`).
            '.' if matches!(chars.peek(), Some('*' | '+' | '?' | '{')) => {
                chars.next();
                literals.push(std::mem::take(&mut current));
            }
            // An unescaped `.` alone is any character: a name around it is still the name.
            '.' => current.push('.'),
            _ => literals.push(std::mem::take(&mut current)),
        }
    }
    literals.push(current);
    let mut probes = Vec::new();
    for literal in literals {
        let name = literal.trim_matches('/');
        if name.len() < 3
            || name.starts_with('.')
            || name.split('/').any(|s| s.starts_with('.') && s.len() > 1)
            // Attack strings blocked anywhere in a URI name no folder of scripts.
            || ["passwd", "environ", "etc/"].iter().any(|w| name.contains(w))
        {
            continue;
        }
        if name.to_ascii_lowercase().ends_with(".php") {
            probes.push(format!("/{name}"));
        } else if !name.contains('.') {
            probes.push(format!("/{name}/x.php"));
        }
    }
    probes
}

/// A regex location that restricts access (`location ~* xmlrpc.php { deny all; }`,
/// `location ~ /(vendor|libs)/ { deny all; }`) written after the regex PHP location:
/// the scripts it names match the PHP location first, whose rules alone apply.
fn check_regex_guards(server: &Server, tree: &Tree<'_>, held: &HashSet<Span>, sink: &mut Sink) {
    let locations = || server.locations.iter().skip(1);
    let mut restricted: HashMap<Option<usize>, bool> = HashMap::default();
    for guarded in locations() {
        if !guarded.pattern.starts_with('~') {
            continue;
        }
        // A regex inside a location is tried before the server's own regexes for the
        // URIs that reach its parent (WordOps' `location /wp-content/uploads { location
        // ~* \.(php|zip)$ { deny all; } }`): the probes are asked under the parent's
        // prefix, and a parent that is no plain prefix is not judged.
        let parent = if held.contains(&guarded.span) {
            let Some(parent) = locations()
                .filter(|o| o.span != guarded.span && guarded.is_within(o))
                .max_by_key(|o| o.span.start)
            else {
                continue;
            };
            let Some(prefix) = parent.plain_prefix() else {
                continue;
            };
            Some(prefix.trim_end_matches('/'))
        } else {
            None
        };
        let Some(node) = tree.locations_at(guarded.span).next() else {
            continue;
        };
        let Some((rule_at, _)) = own_restriction(tree, Some(node)) else {
            continue;
        };
        let Some(probes) = matching_probes(&guarded.pattern, parent) else {
            continue;
        };
        let lost = probes.iter().find_map(|probe| {
            let php = server.location_for(probe)?;
            let runner = script_runner(server, php)?;
            let usable = php.span != guarded.span
                && php.early_return.is_none()
                && !php_guarded(tree, php, runner, &mut restricted);
            usable.then_some((probe.clone(), php))
        });
        let Some((probe, php)) = lost else {
            continue;
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                tree.item(rule_at).span(),
                format!(
                    "`{probe}` goes to the PHP location `{}`, tried before this one: the script runs, and this location's access rules never apply to it",
                    php.pattern
                ),
            )
            .with_related(php.span, "regex locations are tried in the order written; the first that matches serves the request")
            .with_help("move this location above the PHP location (or repeat its rules in a PHP location for these scripts placed first)"),
        );
    }
}

/// The probes a regex guard could lose to the PHP location ([`php_probes`] under the
/// parent's prefix, `parent`), those its regex matches, in order; `None` when the regex does
/// not compile. The same few patterns stand in thousands of servers (`~* \.(?:bak|conf|
/// ...)$`): each is read and matched against its probes once per thread, not once per
/// server (ten PCRE matches and as many strings a server at 1 000 heavy sites).
fn matching_probes(pattern: &str, parent: Option<&str>) -> Option<std::rc::Rc<[String]>> {
    type Known = HashMap<Box<str>, Vec<(Option<Box<str>>, Option<std::rc::Rc<[String]>>)>>;
    thread_local! {
        static KNOWN: std::cell::RefCell<Known> = std::cell::RefCell::new(HashMap::default());
    }
    /// Patterns kept per thread: a tree of thousands of distinct regex guards starts over.
    const MAX_KEPT: usize = 4096;
    KNOWN.with(|known| {
        if let Some(hit) = known
            .borrow()
            .get(pattern)
            .and_then(|by_parent| by_parent.iter().find(|(p, _)| p.as_deref() == parent))
        {
            return hit.1.clone();
        }
        let probes = compiled(pattern).map(|regex| {
            php_probes(pattern)
                .into_iter()
                .map(|probe| match parent {
                    Some(prefix) => format!("{prefix}{probe}"),
                    None => probe,
                })
                .filter(|probe| regex.is_match(probe.as_bytes()).unwrap_or(false))
                .collect::<std::rc::Rc<[String]>>()
        });
        let mut known = known.borrow_mut();
        if known.len() >= MAX_KEPT {
            known.clear();
        }
        known
            .entry(pattern.into())
            .or_default()
            .push((parent.map(Into::into), probes.clone()));
        probes
    })
}

/// The regex of a `~`/`~*` location, compiled as nginx does (`~*` caseless).
fn compiled(pattern: &str) -> Option<std::sync::Arc<pcre2::bytes::Regex>> {
    match pattern.strip_prefix("~*") {
        Some(r) => crate::model::compiled_regex::compile(&format!("(?i){}", r.trim())),
        None => crate::model::compiled_regex::compile(pattern.strip_prefix('~')?.trim()),
    }
}

fn check(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    if let Some(tree) = model.syntax_of(nginx) {
        // Which locations hold or are held by another: asked by both checks.
        let (holders, held) = nesting(server);
        check_server(server, tree, (&holders, &held), sink);
        check_regex_guards(server, tree, &held, sink);
    }
}

#[cfg(test)]
mod tests {
    use super::php_probes;

    #[test]
    fn probes_name_the_scripts_a_pattern_names() {
        assert_eq!(php_probes("~* xmlrpc.php"), vec!["/xmlrpc.php"]);
        assert_eq!(php_probes("~* /wp-config\\.php$"), vec!["/wp-config.php"]);
        assert_eq!(
            php_probes("~ /(libs|vendor|misc/user)"),
            vec!["/libs/x.php", "/vendor/x.php", "/misc/user/x.php"]
        );
        assert!(php_probes("~ /\\.ht").is_empty());
        assert!(php_probes("~* ^/wp-content/uploads/.*\\.php$").is_empty());
        // A folder before `.*` (Grav's `/user/.*\.(txt|md|php)$`): the folder, not `user/.`.
        // (The extensions give probes too; the check keeps only those the regex matches.)
        assert_eq!(
            php_probes("~* /user/.*\\.(txt|md|php)$")
                .first()
                .map(String::as_str),
            Some("/user/x.php")
        );
        assert_eq!(php_probes("~ ^/app/.+\\.php$"), vec!["/app/x.php"]);
    }
}
