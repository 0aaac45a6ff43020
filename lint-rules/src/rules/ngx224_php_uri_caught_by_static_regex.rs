use crate::model::filesystem::Probe;
use crate::model::NginxModel;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::compiled_regex::{compile, is_match, FirstMatch};
use crate::model::nginx::{EffectiveLocation, Server};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX224",
        name: "php-uri-caught-by-static-regex",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "a regex location without a handler, read before the PHP location, matches the server's PHP scripts: their source is sent",
        aliases: &[],
        doc: r#"nginx tries regex locations in the order they are written and takes the first
that matches. A regex location that passes nothing to php-fpm (no `fastcgi_pass`,
no proxy, no `return`) and that matches a PHP script's URI, written before the PHP
location, takes the request: the static handler sends the script's source. Pico's
`location ~ ^/pico(.*)` caught `/pico/index.php` (reached from `/pico/` through
`index index.php`) before `location ~ \.php$`. `nginx -t` accepts it.

**Symptom**: the browser downloads `index.php` (or shows its source) under one
path of the site, while PHP runs everywhere else.

Bad:
```nginx
location ~ ^/pico(.*) { index index.php; }
location ~ \.php$ { include fastcgi.conf; fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
```
Good:
```nginx
location ~ \.php$ { include fastcgi.conf; fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
location ~ ^/pico(.*) { index index.php; }
```
The URIs tried are the server's scripts that such a location is meant to
serve: `/index.php`, and the `index` files under the regex's literal start
(`/pico/index.php`). A location that denies every request, rewrites the URI for a
new search (`rewrite` without `break`) or decides in an `if` is not reported. Proven
live against nginx 1.22: the bad order sends `<?php`.

Only a script that exists is sent. `/index.php` is the server's own front
controller, and a directory's index script is taken to exist when the location
says so: it sets `index` itself (Pico's) or its `try_files` falls back to that
script. The same holds for a location that stops the regex search: `location ^~ /admin/ {
auth_basic ...; }` with no PHP location inside sends `/admin/index.php` as a file
(reached from `/admin/` through `index index.php`; live, nginx 1.22.1; judged for a
`^~` folder that asks for a password or names its index script: most `^~` folders are
static on purpose), and
`location = /wp-login.php { limit_req ...; }` without `fastcgi_pass` sends the
login script's source.
A `^~` folder is also judged when it is one that holds scripts by its nature
(`/wp-admin/`, `/wp-content/` and its `plugins/` and `themes/`, `/phpmyadmin/`:
`location ^~ /wp-content/ { expires 30d; }` sends a plugin's `ajax.php` as source;
live, nginx 1.22.1: 200 with `<?php`), or, with `--root`, when its index script is on
the disk under the root.

Otherwise the script is only guessed from the server's `index` (Magento's
`location ~ ^/setup/pub/` serves assets and holds no PHP file; mailcow's
`location ~ ^/api/v1/(.*)$` routes to `/json_api.php`): then the finding is a note
that says "if it exists"."#,
        fix: "Put the PHP location first, or nest a PHP location (or `fastcgi_pass`) inside the regex location.",
    },
    check: Check::Server(check),
};

/// The regex of a location pattern (`~ re`, `~* re`) and whether it ignores case.
fn regex_of(pattern: &str) -> Option<(&str, bool)> {
    if let Some(re) = pattern.strip_prefix("~*") {
        return Some((re.trim(), true));
    }
    pattern.strip_prefix('~').map(|re| (re.trim(), false))
}

/// A location that keeps nginx from trying the regexes: `^~ /admin/` for every URI
/// under it, `= /wp-login.php` for its one URI. Its modifier and path.
fn stops_regex_search(pattern: &str) -> Option<(&str, &str)> {
    // Asked for every location, most of them regexes or plain prefixes: the modifier's
    // first character decides before the pattern is split.
    if !pattern.trim_start().starts_with(['^', '=']) {
        return None;
    }
    let mut words = pattern.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(m @ ("^~" | "=")), Some(path), None) if path.starts_with('/') => Some((m, path)),
        _ => None,
    }
}

/// The script URIs a `^~`/`=` location could serve as files, each with whether the
/// location says it exists: an exact location names its script; under a `^~` prefix,
/// the `index` files of the folder (guessed) and its `try_files` fallbacks (stated).
fn stopping_probes(
    modifier: &str,
    path: &str,
    location: &EffectiveLocation,
    index: &[String],
) -> Vec<(String, bool)> {
    if modifier == "=" {
        return if path.to_ascii_lowercase().ends_with(".php") {
            vec![(path.to_string(), false)]
        } else {
            Vec::new()
        };
    }
    let dir = if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    };
    let mut out: Vec<(String, bool)> = index.iter().map(|f| (format!("{dir}{f}"), true)).collect();
    if let Some(t) = &location.try_files {
        for fallback in t.args.iter().skip(1) {
            let target = fallback.split('?').next().unwrap_or(fallback);
            if target.starts_with(&dir)
                && target.to_ascii_lowercase().ends_with(".php")
                && !target.contains('$')
            {
                out.push((target.to_string(), false));
            }
        }
    }
    out
}

/// A `^~` folder that holds directly requested scripts by its nature: WordPress's admin
/// and its `wp-content` (plugins and themes call their own scripts), phpMyAdmin. Not
/// `wp-content/uploads` (static on purpose, SEC053's) nor `wp-includes` (core files
/// behind the front controller).
fn script_folder(path: &str) -> bool {
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    match segments.as_slice() {
        [.., last] if ["wp-admin", "wp-content", "phpmyadmin"].contains(&last.as_str()) => true,
        [.., parent, last] => parent == "wp-content" && (last == "plugins" || last == "themes"),
        _ => false,
    }
}

/// The index scripts of a `^~` folder to look for on the disk (`--root`): the folder
/// under the location's root, with each PHP `index` file.
pub(crate) fn folder_index_paths(
    location: &EffectiveLocation,
    index: &[String],
) -> Vec<std::path::PathBuf> {
    let Some((_, path)) = stops_regex_search(&location.pattern).filter(|(m, _)| *m == "^~") else {
        return Vec::new();
    };
    let Some(root) = location
        .inherited
        .get("root")
        .map(|r| r.first())
        .filter(|r| r.starts_with('/') && !r.contains('$'))
    else {
        return Vec::new();
    };
    if location.alias.is_some() || path.contains('$') {
        return Vec::new();
    }
    let dir = format!("{}/{}", root.trim_end_matches('/'), path.trim_matches('/'));
    index
        .iter()
        .map(|f| std::path::Path::new(&dir).join(f))
        .collect()
}

/// The paths [`folder_index_paths`] asks the disk about, for every `^~` folder of a server
/// (probed under `--root` before the rules run).
pub(crate) fn disk_probes(server: &Server) -> Vec<std::path::PathBuf> {
    let index = index_scripts(server);
    server
        .locations
        .iter()
        .skip(1)
        .flat_map(|l| folder_index_paths(l, &index))
        .collect()
}

/// The PCRE text of a regex location's pattern.
fn pcre_text(pattern: &str) -> Option<std::borrow::Cow<'_, str>> {
    match regex_of(pattern)? {
        (re, true) => Some(format!("(?i){re}").into()),
        (re, false) => Some(re.into()),
    }
}

/// Whether the regex location `pattern` matches `uri`, remembered per thread: the same
/// few static regexes (`~* \.(?:css|js|...)$`) are asked the same few scripts
/// (`/index.php`) in thousands of servers, and each answer was a PCRE2 match after the
/// pattern was written out again and looked up in the shared cache under its lock.
fn matches(pattern: &str, uri: &str) -> bool {
    type Known = foldhash::HashMap<Box<str>, Vec<(Box<str>, bool)>>;
    thread_local! {
        static KNOWN: std::cell::RefCell<Known> = std::cell::RefCell::new(Known::default());
    }
    /// Patterns kept per thread: a tree of thousands of distinct regexes starts over.
    const MAX_KEPT: usize = 4096;
    KNOWN.with(|known| {
        if let Some(&(_, hit)) = known
            .borrow()
            .get(pattern)
            .and_then(|uris| uris.iter().find(|(u, _)| &**u == uri))
        {
            return hit;
        }
        let found = pcre_text(pattern).is_some_and(|re| is_match(&re, uri));
        let mut known = known.borrow_mut();
        if known.len() >= MAX_KEPT {
            known.clear();
        }
        let uris = known.entry(pattern.into()).or_default();
        // A pattern asked many distinct URIs (a folder per app) keeps the latest few.
        if uris.len() >= 16 {
            uris.clear();
        }
        uris.push((uri.into(), found));
        found
    })
}

/// The server's PHP regex locations in order, filed for [`FirstMatch`]: each static
/// regex location asks which one its own script would have gone to, and scanning them
/// all per location made a server of 4 000 app folders and 4 000 PHP locations take
/// 10 s in this rule alone.
struct PhpLocations<'l> {
    list: Vec<&'l EffectiveLocation>,
    first: FirstMatch,
}

impl<'l> PhpLocations<'l> {
    fn new(list: Vec<&'l EffectiveLocation>) -> Self {
        let mut first = FirstMatch::default();
        for (i, l) in list.iter().enumerate() {
            // A pattern that does not compile matches nothing (as in `matches`).
            if let Some((text, regex)) =
                pcre_text(&l.pattern).and_then(|t| compile(&t).map(|r| (t, r)))
            {
                first.push(i, &text, regex);
            }
        }
        PhpLocations { list, first }
    }

    /// The first PHP location whose regex matches `uri`.
    fn first_matching(&self, uri: &str) -> Option<&'l EffectiveLocation> {
        self.first
            .first(uri)
            .and_then(|i| self.list.get(i).copied())
    }
}

/// The literal path a regex starts with (`^/pico(.*)` → `/pico`); an unanchored one
/// (`/pico`) matches there too, among other places.
fn literal_start(re: &str) -> Option<&str> {
    let rest = re.strip_prefix('^').unwrap_or(re);
    let end = rest
        .find(|c: char| ".*+?()[]{}|\\$^".contains(c))
        .unwrap_or(rest.len());
    Some(&rest[..end]).filter(|p| p.starts_with('/'))
}

/// The script URIs a location by `re` could catch: `/index.php`, and the server's PHP
/// `index` files under the regex's literal start (guessed: `true`, see [`stated`]).
fn probes(re: &str, index: &[String]) -> Vec<(String, bool)> {
    let mut out = vec![("/index.php".to_string(), false)];
    if let Some(start) = literal_start(re) {
        let dir = start.trim_end_matches('/');
        for file in index {
            out.push((format!("{dir}/{file}"), true));
        }
    }
    out
}

/// Whether the location itself says the directory script `uri` exists: it sets
/// `index` in its own block, or a `try_files` of it falls back to `uri` (in any case
/// for a caseless location: `~* ^/Blog/` falling back to `/blog/index.php`).
fn stated(location: &EffectiveLocation, uri: &str) -> bool {
    let caseless = regex_of(&location.pattern).is_some_and(|(_, caseless)| caseless);
    let within = |s: lint_source::Span| location.span.contains(s);
    let own_index = location
        .inherited
        .get("index")
        .is_some_and(|i| within(i.span));
    let falls_back = location.try_files.as_ref().is_some_and(|t| {
        t.args.iter().skip(1).any(|a| {
            a.split('?').next().is_some_and(|target| {
                target == uri || (caseless && target.eq_ignore_ascii_case(uri))
            })
        })
    });
    own_index || falls_back
}

/// True when the location's own block sends the request elsewhere or nowhere: it
/// denies every request (`deny all;` without an `allow`), rewrites the URI for a new search (a `rewrite`
/// without `break`: docker-nginx-multi-php-fpm's `^/api/` strips its prefix and the
/// PHP location runs), or decides in an `if`.
fn hands_over(model: &Model<'_>, location: &EffectiveLocation) -> bool {
    model.syntax_at(location.span).any(|tree| {
        tree.locations_at(location.span)
            .map(|n| tree.node(n))
            .any(|n| {
                // With an `allow` list, the allowed clients still get the source.
                let allows = n.children().any(|c| c.is("allow"));
                n.children().any(|c| {
                    (c.is("deny") && c.arg(0) == "all" && !allows)
                        || (c.is("rewrite") && !c.args().skip(2).any(|f| f == "break"))
                        || c.is("if")
                })
            })
    })
}

fn index_scripts(server: &Server) -> Vec<String> {
    let mut files: Vec<String> = server
        .locations
        .first()
        .and_then(|level| level.inherited.get("index"))
        .map(|i| {
            i.args
                .iter()
                .filter(|a| a.to_ascii_lowercase().ends_with(".php") && !a.contains(['/', '$']))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if files.is_empty() {
        files.push("index.php".to_string());
    }
    files
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    if model.is_synthetic(server) {
        return;
    }
    let php: Vec<&EffectiveLocation> = server
        .locations
        .iter()
        .skip(1)
        .filter(|l| l.fastcgi_pass.is_some() && regex_of(&l.pattern).is_some())
        .collect();
    if php.is_empty() {
        return;
    }
    let php = PhpLocations::new(php);
    let index = index_scripts(server);
    for location in server.locations.iter().skip(1) {
        if let Some((modifier, path)) = stops_regex_search(&location.pattern) {
            check_stopping(
                model,
                server,
                location,
                (modifier, path),
                (&php, &index),
                sink,
            );
            continue;
        }
        let Some((re, _)) = regex_of(&location.pattern) else {
            continue;
        };
        if !location.serves_files() || model.unresolved_include_within(location.span) {
            continue;
        }
        for (uri, guessed) in probes(re, &index) {
            if !matches(&location.pattern, &uri) {
                continue;
            }
            // An unanchored folder regex (`~* /wp-content/uploads`, `~* /imagecache/`)
            // is mostly a static folder's: its index script is judged only when the
            // location names it.
            if guessed && !re.starts_with('^') && !stated(location, &uri) {
                continue;
            }
            let Some(skipped) = skipped_php_location(server, location, &php, &uri) else {
                continue;
            };
            if hands_over(model, location) {
                break;
            }
            // Only the server's `index` suggests the script: said as a condition.
            let conditional = guessed && !stated(location, &uri);
            let how = format!("matched by `location {}` first", location.pattern);
            sink.push(
                source_sent(location, skipped, &uri, &how, conditional)
                    .with_label("regex locations are tried in order: this one comes first")
                    .with_help(
                        "put the PHP location before this one, or nest a PHP location inside it",
                    ),
            );
            break;
        }
    }
}

/// The finding: `uri` is `how` (matched by, served by) `location` instead of the PHP
/// location `skipped`; as a condition (a note) when the script is only guessed.
fn source_sent(
    location: &EffectiveLocation,
    skipped: &EffectiveLocation,
    uri: &str,
    how: &str,
    conditional: bool,
) -> Diagnostic {
    let d = if conditional {
        Diagnostic::new(
            &RULE.meta,
            location.span,
            format!("if `{uri}` exists, it is {how}, which passes nothing to php-fpm: its source is sent as a file"),
        )
        .with_severity(Severity::Note)
    } else {
        Diagnostic::new(
            &RULE.meta,
            location.span,
            format!("`{uri}` is {how}, which passes nothing to php-fpm: the script's source is sent as a file"),
        )
    };
    d.with_related(skipped.span, "the PHP location never sees it")
        .with_note("at runtime: 200 with the PHP source")
}

/// The PHP location `uri` would have gone to, when nginx picks `location` for it (and
/// not a location nested in it).
fn skipped_php_location<'l>(
    server: &Server,
    location: &EffectiveLocation,
    php: &PhpLocations<'l>,
    uri: &str,
) -> Option<&'l EffectiveLocation> {
    server
        .location_for(uri)
        .is_some_and(|picked| picked.span == location.span)
        .then(|| php.first_matching(uri))
        .flatten()
}

/// A `^~` or `=` location that serves a PHP script as a file: nginx does not try the
/// regexes after it, so the PHP location never sees the script.
fn check_stopping(
    model: &Model<'_>,
    server: &Server,
    location: &EffectiveLocation,
    (modifier, path): (&str, &str),
    (php, index): (&PhpLocations<'_>, &[String]),
    sink: &mut Sink,
) {
    if !location.serves_files() || model.unresolved_include_within(location.span) {
        return;
    }
    // Most `^~` folders are static on purpose (assets, uploads, ACME challenges): a
    // folder's index script is only suspected where the location guards an area of the
    // application with a password, or names its index itself.
    let guarded = model.syntax_at(location.span).any(|tree| {
        tree.locations_at(location.span).any(|n| {
            tree.node(n).children().any(|c| {
                (c.is("auth_basic") || c.is("auth_request"))
                    && !c.arg(0).eq_ignore_ascii_case("off")
            })
        })
    });
    let mut probes = stopping_probes(modifier, path, location, index);
    // A folder that holds scripts by its nature: one of them stands for all.
    if modifier == "^~" && script_folder(path) {
        let dir = path.trim_end_matches('/');
        let script = if dir.to_ascii_lowercase().ends_with("wp-admin")
            || dir.to_ascii_lowercase().ends_with("phpmyadmin")
        {
            format!("{dir}/index.php")
        } else {
            format!("{dir}/x.php")
        };
        probes.insert(0, (script, false));
    }
    // An index script the disk holds (`--root`) is known to exist. (Without a disk probed,
    // none is: the paths are not even made.)
    let on_disk: Vec<String> = if model.filesystem.is_empty() {
        Vec::new()
    } else {
        folder_index_paths(location, index)
            .iter()
            .zip(index)
            .filter(|(p, _)| matches!(model.filesystem.get(p), Probe::Present(f) if !f.is_dir))
            .map(|(_, f)| format!("{}/{f}", path.trim_end_matches('/')))
            .collect()
    };
    for (uri, guessed) in probes.iter_mut() {
        if on_disk.contains(uri) {
            *guessed = false;
        }
    }
    for (uri, guessed) in probes {
        if guessed && !guarded && !stated(location, &uri) {
            continue;
        }
        let Some(skipped) = skipped_php_location(server, location, php, &uri) else {
            continue;
        };
        if hands_over(model, location) {
            return;
        }
        let why = if modifier == "=" {
            "an exact location, so the regexes are not tried"
        } else {
            "`^~` stops the search for regex locations"
        };
        let how = format!("served by `location {}` ({why})", location.pattern);
        let conditional = guessed && !stated(location, &uri);
        sink.push(
            source_sent(location, skipped, &uri, &how, conditional)
                .with_label("the PHP location is never consulted for it")
                .with_help(if modifier == "=" {
                    "pass the script to php-fpm in this location (`include fastcgi.conf; fastcgi_pass ...;`)"
                } else {
                    "nest a PHP location inside this one"
                }),
        );
        return;
    }
}

#[cfg(test)]
mod tests {
    use super::{literal_start, probes};

    #[test]
    fn the_scripts_a_regex_location_could_catch() {
        assert_eq!(literal_start("^/pico(.*)"), Some("/pico"));
        assert_eq!(literal_start("^/blog/"), Some("/blog/"));
        assert_eq!(literal_start("\\.php$"), None);
        assert_eq!(literal_start("/pico"), Some("/pico"));
        assert_eq!(
            probes("^/pico(.*)", &["index.php".to_string()]),
            [
                ("/index.php".to_string(), false),
                ("/pico/index.php".to_string(), true)
            ]
        );
    }
}
