use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Applicability, Diagnostic, Edit, Family, Fix, RuleMeta, Severity, Span};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX201",
        name: "script-filename-missing",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "a `fastcgi_pass` location that sends no `SCRIPT_FILENAME` to PHP, or a hard-coded one",
        aliases: &[],
        doc: r#"php-fpm runs the file named by the `SCRIPT_FILENAME` parameter. Debian's
`fastcgi_params` does not set it (its `fastcgi.conf` does): a location that
includes only `fastcgi_params` sends none. Only locations that talk to PHP are
checked: a location whose `fastcgi_pass` is a unix socket that no pool of the
tree creates, where neither the location, the socket path, `try_files`,
`fastcgi_split_path_info` nor `fastcgi_index` names PHP, talks to another
FastCGI server (fcgiwrap, munin's graph server, a Perl handler), which does
without it. A location or server with an `include` that could not be read (missing,
NGX002, or not provided by the deployment, NGX005) is not judged: the file may set it.
Nor is a location whose requests all end in a location nested in it with the same pattern
(a snippet included in `location ~ \.php$` that opens its own `location ~ \.php$`): nginx
looks up a matched location's nested locations, and the nested one is judged (live, nginx
1.22: the nested location runs the script, with the outer location's `root`). Nor is a
location that sends no `REQUEST_METHOD` either (no `fastcgi_params` at all): NGX225 reports
the missing include once, its help naming `SCRIPT_FILENAME` too.

**Symptom**: 404 "File not found." from PHP; php-fpm logs `Primary script
unknown`. The same for `SCRIPT_FILENAME /scripts$fastcgi_script_name`, the
placeholder of the PHP example that nginx's own nginx.conf ships commented out
(Arch, FreeBSD, Homebrew and source builds): uncommented as it is, php-fpm looks
for every script under /scripts. Likewise a URI path where the file path belongs
(`SCRIPT_FILENAME $fastcgi_script_name`, `$uri`: `/index.php` is looked for at the top
of the file system), except in a pool chrooted to the document root. And a value pasted
from a shell here-document that escaped its dollars (`\$document_root\$fastcgi_script_name`):
nginx keeps the backslashes, so php-fpm is asked for `\/var/www/html\/index.php` (live
scenario). A hard-coded value in a location that handles any PHP file (`~ \.php$`)
runs the same script for every URL; in an exact, named or prefix location, or a regex
written for that one script (`~ ^/index\.php(/|$)`), it is a deliberate single entry
point (an FPM status page, a front controller) and is not reported; nor is a script
outside the location's root (a front controller kept beside `public/`, Luminance's
`application/entry.php`) or any script under `root /` (Laravel Valet's router). A location
that serves only its pool's `pm.status_path` and `ping.path` pages needs a
SCRIPT_FILENAME too (or PATH_TRANSLATED, which php-fpm takes in its place), though
any value will do: php-fpm matches its pages against
the request only once it has a script path, and without one answers "File not
found." (live scenario, php-fpm 8.2: `location ~ ^/(status|ping)$ { include
fastcgi_params; fastcgi_pass ...; }`, the status block of many guides, never shows
the page). A location that sends the script in PATH_TRANSLATED instead
(`$document_root$fastcgi_script_name`, `$request_filename`) runs it: php-fpm takes
that in place of a missing SCRIPT_FILENAME (live, php-fpm 8.2). A cache-purge endpoint needs none (ngx_cache_purge's `fastcgi_cache_purge`
beside an `if` on `$request_method` that returns for every other method): no
request reaches php-fpm there.

Bad:
```nginx
location ~ \.php$ {
    include fastcgi_params;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location ~ \.php$ {
    include fastcgi.conf;     # or: include fastcgi_params; plus the line below
    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```

Autofix: safe for a missing SCRIPT_FILENAME — `fastcgi_param SCRIPT_FILENAME
$document_root$fastcgi_script_name;` (`$request_filename` under `alias`) is added to the
block whose parameter list the location uses, so that no inherited parameter is dropped.
Safe for nginx's `/scripts` placeholder, a URI path and escaped dollars: the value becomes
the location's script path. Unsafe for a hard-coded one, which is replaced by the same value: every script then runs
instead of the one the configuration named."#,
        fix: "Include `fastcgi.conf` (or `snippets/fastcgi-php.conf`), or set `fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;`.",
    },
    check: Check::Server(check),
};

/// The script path nginx should send: `$request_filename` under `alias` (where
/// `$document_root` is not the script's directory), else the usual one.
fn script_filename(location: &crate::model::EffectiveLocation) -> &'static str {
    if location.alias.is_some() {
        "$request_filename"
    } else {
        "$document_root$fastcgi_script_name"
    }
}

/// Adds `fastcgi_param SCRIPT_FILENAME ...` where the location's parameter list is
/// defined (adding it anywhere deeper would reset that list: NGX202), else in the location.
fn add_script_filename(
    model: &Model<'_>,
    location: &crate::model::EffectiveLocation,
) -> Option<Fix> {
    // A reset that dropped it: NGX202's fix includes the parameters again, this one too.
    if let Some(list) = &location.inherited.params {
        if list.dropped.iter().any(|p| p.name == "SCRIPT_FILENAME")
            && super::ngx202_fastcgi_param_reset::reinclude(model, list).is_some()
        {
            return None;
        }
    }
    let level = location
        .inherited
        .params
        .as_ref()
        .and_then(|p| p.defined_at)
        .unwrap_or(location.span);
    let statement = format!(
        "fastcgi_param SCRIPT_FILENAME {};",
        script_filename(location)
    );
    let edit = crate::fixes::first_in_block(model.map, level, &statement)?;
    Some(Fix::safe(format!("add `{statement}`"), vec![edit]))
}

/// Whether a hard-coded SCRIPT_FILENAME in a location of this pattern is a mistake: the
/// location is a regex that matches any PHP file (`~ \.php$`), so every URL ending in
/// `.php` runs the one script. An exact (`= /status`), named (`@php`) or prefix location,
/// or a regex written for that script (`~ ^/index\.php(/|$)` with `.../index.php`), is a
/// single entry point on purpose (FPM status pages, front controllers, control scripts).
fn handles_any_script(pattern: &str, script: &str) -> bool {
    let Some(regex) = pattern
        .strip_prefix("~*")
        .or_else(|| pattern.strip_prefix('~'))
    else {
        return false;
    };
    let regex = regex.trim();
    let base = script.rsplit('/').next().unwrap_or(script);
    let stem = base.strip_suffix(".php").unwrap_or(base);
    regex.contains("php") && (stem.is_empty() || !regex.contains(stem))
}

/// Whether a hard-coded script lies outside the location's document root: a front
/// controller kept out of the web root on purpose (Luminance's
/// `application/entry.php` beside `public/`), which `$document_root$fastcgi_script_name`
/// could never name; or the root is `/` (Laravel Valet's router).
fn outside_root(location: &crate::model::EffectiveLocation, script: &str) -> bool {
    let Some(root) = location.inherited.get("root").map(|r| r.first()) else {
        return false;
    };
    if root.contains('$') || !root.starts_with('/') || !script.starts_with('/') {
        return false;
    }
    let root = root.trim_end_matches('/');
    // `root /` is no document root (Valet's router, whose every URI goes to one script):
    // `$document_root$fastcgi_script_name` there would name any file on the disk.
    if root.is_empty() {
        return true;
    }
    !script
        .strip_prefix(root)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The `SCRIPT_FILENAME` of the PHP example in nginx's own nginx.conf.
const EXAMPLE_PLACEHOLDER: &str = "/scripts$fastcgi_script_name";

/// Variables that hold the request's URI path, not a file's.
const URI_VARIABLES: &[&str] = &["fastcgi_script_name", "uri", "document_uri", "request_uri"];

/// Whether `value` begins with `$name` or `${name}` (and not a longer name: `$uri_x`).
fn starts_with_variable(value: &str, name: &str) -> bool {
    if let Some(r) = value.strip_prefix("${") {
        return r.strip_prefix(name).is_some_and(|r| r.starts_with('}'));
    }
    let Some(rest) = value.strip_prefix('$') else {
        return false;
    };
    rest.strip_prefix(name)
        .is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        let Some((_, pass_span)) = location.fastcgi_pass.as_deref() else {
            continue;
        };
        if !model.may_talk_to_php(location) {
            continue;
        }
        // Requests end in a nested location of the same pattern (a snippet included here
        // that opens its own `location ~ \.php$`): that one is judged, with what it sends.
        if server.hands_every_request_inward(location) {
            continue;
        }
        let script = location.inherited.param("SCRIPT_FILENAME");
        // A location written for the status pages (`~ ^/php-fpm_(status|ping)$`) that
        // sends a SCRIPT_FILENAME: php-fpm answers its pages whatever the value, and
        // whether this pool has them is X028's to say (LEMPer's pools set them; live:
        // 200 `pong` with `SCRIPT_FILENAME $fastcgi_script_name`). Without one php-fpm
        // never gets to its pages (it takes the request URI for them only once it has a
        // script path): "File not found." (live scenario status-page-without-script-
        // filename, php-fpm 8.2). (Exactly: `= /fpm-status`, `~ ^/php-fpm_(status|ping)$`,
        // the pages X028 compares with the pool's.)
        let p = &location.pattern;
        let exact =
            p.starts_with("= ") || (p.starts_with('~') && p.contains("^/") && p.ends_with('$'));
        let status_pages = (exact && model.written_for_status_pages(server, location))
            || model.serves_only_status_pages(server, location);
        // php-fpm takes PATH_TRANSLATED for the script path when SCRIPT_FILENAME is absent
        // (live: 200 on /status with PATH_TRANSLATED alone).
        let translated = location
            .inherited
            .params
            .as_ref()
            .is_some_and(|p| p.get("PATH_TRANSLATED").is_some());
        if status_pages && (script.is_some() || translated) {
            continue;
        }
        // Nothing of fastcgi_params reaches the location either (no REQUEST_METHOD):
        // NGX225 reports the missing include once, naming SCRIPT_FILENAME in its help (a
        // status location of a Puppet module and of an OpenCart image were two errors each).
        if script.is_none()
            && !translated
            && crate::rules::ngx225_request_method_missing::reports(model, server, location)
        {
            continue;
        }
        match script {
            None if status_pages
                && !model.unresolved_include_within(location.span)
                && !model.unresolved_include_within(server.span) => sink.push(
                Diagnostic::new(&RULE.meta, *pass_span, "no SCRIPT_FILENAME is sent to php-fpm from this location: php-fpm answers its status and ping pages only to a request that has one")
                    .with_label("the pool's pages are never answered")
                    .with_related(location.span, "location")
                    .with_help("add `fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;` (any value will do for these pages; fastcgi_params lacks it)")
                    .with_note("at runtime: 404 \"File not found.\" for the status and ping URLs")
                    .with_fix_opt(add_script_filename(model, location)),
            ),
            // The parameters may come from an include the deployment does not provide
            // (khs1994's sites include `conf.d/*.config` snippets mounted elsewhere), or
            // one that is missing (highload-lemp's fastcgi-php.conf, written by its
            // installer): NGX002 or NGX005 says so already, and what the file sets is not
            // known.
            None if model.unresolved_include_within(location.span)
                || model.unresolved_include_within(server.span) => {}
            None if model.serves_only_cache_purges(location) => {}
            // php-fpm takes PATH_TRANSLATED for the script when SCRIPT_FILENAME is absent
            // (fpm_main.c's init_request_info; TFPWiki's `fastcgi_param PATH_TRANSLATED
            // $document_root$fastcgi_script_name;`, live: the page runs).
            None if location.param_names_requested_script("PATH_TRANSLATED") => {}
            None => sink.push(
                Diagnostic::new(&RULE.meta, *pass_span, "no SCRIPT_FILENAME is sent to php-fpm from this location")
                    .with_label("requests go to PHP without a script name")
                    .with_related(location.span, "location")
                    .with_help("add `fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;` (fastcgi_params lacks it), or `include fastcgi.conf;` where nginx has that file (the official image's Debian variant does not)")
                    .with_note("at runtime: 404 \"File not found.\", php-fpm logs \"Primary script unknown\"")
                    .with_fix_opt(add_script_filename(model, location)),
            ),
            // nginx's own example (nginx.conf of the source tree, Arch, FreeBSD, Homebrew:
            // commented out, uncommented as it is) names /scripts, a placeholder.
            Some(p) if p.value.starts_with(EXAMPLE_PLACEHOLDER)
                && location.inherited.get("root").is_none_or(|r| r.first().trim_end_matches('/') != "/scripts") => sink.push(
                Diagnostic::new(&RULE.meta, p.span, "SCRIPT_FILENAME points into /scripts, the placeholder of nginx's example configuration: php-fpm finds no script there")
                    .with_label("nginx's example, uncommented as shipped")
                    .with_help("use `$document_root$fastcgi_script_name` (or `include fastcgi.conf;`)")
                    .with_note("at runtime: 404 \"File not found.\", php-fpm logs \"Primary script unknown\"")
                    .with_fix_opt(send_script_filename(model, location, p.span, Applicability::Safe)),
            ),
            // `\$document_root\$fastcgi_script_name`, pasted from a shell here-document
            // that escaped its dollars: nginx keeps the backslashes and still expands the
            // variables, so php-fpm is asked for `\/var/www/html\/index.php` (live: 404,
            // "Primary script unknown"; a Laravel gist).
            Some(p) if p.value.contains("\\$") => sink.push(
                Diagnostic::new(&RULE.meta, p.span, format!("SCRIPT_FILENAME is \"{}\": nginx keeps the backslash before `$`, so php-fpm is asked for a path with backslashes in it and finds no script", p.value))
                    .with_label("a shell's escaped `$`, left in")
                    .with_help("remove the backslashes: `$document_root$fastcgi_script_name` (and in the other lines pasted from the same script)")
                    .with_note("at runtime: 404 \"File not found.\", php-fpm logs \"Primary script unknown\"")
                    .with_fix_opt(send_script_filename(model, location, p.span, Applicability::Safe)),
            ),
            // A URI path where a file path belongs (`SCRIPT_FILENAME $fastcgi_script_name`):
            // php-fpm opens `/index.php` at the top of the file system. Right only for a
            // pool chrooted to the document root.
            Some(p) if URI_VARIABLES.iter().any(|v| starts_with_variable(&p.value, v))
                // php-fpm answers its status and ping pages before it opens a script.
                && !model.serves_only_status_pages(server, location)
                && !model.reached_pools(location).any(|(_, pool)| pool.pool.get("chroot").is_some()) => sink.push(
                Diagnostic::new(&RULE.meta, p.span, format!("SCRIPT_FILENAME is \"{}\", a URI path, not a file: php-fpm looks for the script at the top of the file system", p.value))
                    .with_label("no document root before the script name")
                    .with_help("use `$document_root$fastcgi_script_name` (or `include fastcgi.conf;`)")
                    .with_note("at runtime: 404 \"File not found.\", php-fpm logs \"Primary script unknown\" (right only in a pool chrooted to the document root)")
                    .with_fix_opt(send_script_filename(model, location, p.span, Applicability::Safe)),
            ),
            Some(p) if !p.value.contains('$') && handles_any_script(&location.pattern, &p.value) && !outside_root(location, &p.value) => sink.push(
                Diagnostic::new(&RULE.meta, p.span, format!("SCRIPT_FILENAME is hard-coded to \"{}\": every request runs that one script", p.value))
                    .with_severity(Severity::Warning)
                    .with_help("use `$document_root$fastcgi_script_name`; if that script is the application's only entry point, write the location for it alone (`location = /index.php`) and send other URIs there with `try_files`")
                    .with_fix_opt(send_script_filename(model, location, p.span, Applicability::Unsafe)),
            ),
            Some(_) => {}
        }
    }
}

/// Replaces the value of the `fastcgi_param SCRIPT_FILENAME` statement at `param` with the
/// location's script path: safe for nginx's placeholder, which never names a script;
/// unsafe for a hard-coded script, which someone may have meant.
fn send_script_filename(
    model: &Model<'_>,
    location: &crate::model::EffectiveLocation,
    param: Span,
    applicability: Applicability,
) -> Option<Fix> {
    let stmt = crate::fixes::statement(model.map, param)?;
    let (value, _) = stmt.args.get(1)?;
    let description = format!("send {}", script_filename(location));
    let edits = vec![Edit::replace(*value, script_filename(location))];
    Some(match applicability {
        Applicability::Safe => Fix::safe(description, edits),
        Applicability::Unsafe => Fix::unsafe_edits(description, edits),
    })
}
