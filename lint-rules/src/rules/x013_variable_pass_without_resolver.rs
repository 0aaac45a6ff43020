use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::address::NginxTarget;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X013",
        name: "variable-pass-without-resolver",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "`fastcgi_pass` with a variable host and no `resolver`",
        aliases: &[],
        doc: r#"With a variable in `fastcgi_pass`, nginx resolves the host per request, at
run time, and needs a `resolver`. Unless every value a `set` or a `map` gives
the variable is an `upstream` block's name, an IP address or a `unix:` socket,
requests fail.

gixy's `missing_resolver`/`stale_dns_cache` report this too; under
`--select SEC` it is SEC071, which also judges `proxy_pass` and upstreams.

**Symptom**: 502 Bad Gateway; `no resolver defined to resolve php-fpm` in
nginx's error log.

Bad:
```nginx
set $php php-fpm:9000;
fastcgi_pass $php;
```
Good:
```nginx
resolver 127.0.0.11 valid=10s;
set $php php-fpm:9000;
fastcgi_pass $php;
```

A variable nothing in the configuration defines is not judged here: with the whole
configuration read, nginx refuses it at load (`unknown "php" variable`, NGX024);
when an include could not be read, or the file is read without the one that
includes it, the definition may be there, and the finding is a note that says so."#,
        fix: "Add a `resolver` (Docker: 127.0.0.11), or use an upstream block.",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        let Some((NginxTarget::Variable(raw), span)) = location.fastcgi_pass.as_deref() else {
            continue;
        };
        if raw.starts_with("unix:") || location.inherited.get("resolver").is_some() {
            continue;
        }
        // `fastcgi_pass ${NGINX_PHP_CGI};`, `${FASTCGI_HOST}:9000` in a template the
        // image's entrypoint renders with envsubst: nginx reads an address there, not a
        // variable (eric-mathison/docker-wordpress-nginx's templates, rendered into
        // /etc/nginx/global by the official image, were three false X013).
        if nginx_conf_parser::envsubst::only_placeholders(raw.trim())
            && model.map.get(span.file).is_envsubst_template()
        {
            continue;
        }
        // `${NGINX_FASTCGI_PASS:-php}:9000` is no nginx variable (nginx refuses it, NGX014):
        // a renderer's placeholder (lagoon's envplate) for an address fixed at start.
        if raw.contains("${") && raw.contains(":-") {
            continue;
        }
        // `set $backend "fastcgi_backend";` with `upstream fastcgi_backend {}`: nginx picks
        // the upstream by name, nothing to resolve.
        let name = raw
            .trim_start_matches('$')
            .trim_matches(|c| c == '{' || c == '}');
        // The same for every value a `map` gives it (spinupwp/wordpress-nginx:
        // `map '' $upstream { default php74; }`; live: 200 without a resolver).
        let values = values_of(nginx, name);
        // A socket or an IP address is used as it is (`map $host $php { default
        // unix:/run/php/php8.2-fpm.sock; }`): nothing to resolve either.
        let resolved_as_written = |v: &str| {
            let v = v.trim_matches('"').trim_matches('\'');
            v.starts_with("unix:")
                || nginx.upstreams.contains_key(&v.to_ascii_lowercase())
                || is_ip_address(v)
        };
        if !values.is_empty() && values.iter().all(|v| resolved_as_written(v)) {
            continue;
        }
        let mut d = Diagnostic::new(&RULE.meta, *span, format!("fastcgi_pass {raw} is resolved per request, and no resolver is set"))
            .with_help("add `resolver` (Docker: 127.0.0.11) at http or server level, unless the variable only ever names an upstream or an IP")
            .with_note("at runtime: 502 Bad Gateway, \"no resolver defined to resolve ...\"");
        // Nothing the linter reads gives the variable a value, and nginx knows no such
        // name: the definition is elsewhere, or there is none.
        // Not `$1`: a regex capture, which nginx always knows.
        let plain_name = name.bytes().next().is_some_and(|b| !b.is_ascii_digit())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let unseen = plain_name
            && values.is_empty()
            && model.tree_of(nginx).is_some_and(|tree| {
                !nginx_conf_parser::check::variable_defined(
                    tree,
                    name,
                    nginx_conf_parser::catalogue::NginxVersion::Latest,
                )
            });
        if unseen {
            if !model.definitions_partly_unseen(nginx) {
                // The whole configuration is here: nginx refuses the unknown name at
                // load (`unknown "name" variable`, NGX024), the finding to fix first.
                continue;
            }
            // A file the deployment does not provide, or the includer of a file read on
            // its own, may map it (marcortola/docker-php-fpm-nginx-wordpress: its base
            // image's nginx.conf maps $default_fastcgi_pass).
            d.message = format!(
                "fastcgi_pass {raw}: where ${name} gets its value was not seen, and no resolver is set (needed if it names a host)"
            );
            d = d.with_severity(Severity::Note).with_note(
                "an include that could not be read, or the file that includes this one, may set it",
            );
        }
        sink.push(d);
    }
}

/// The values `set` and `map` give variable `name`, a value that is itself one variable
/// (`default $cookie_arg_pass;` in a map, vanilla-docker's chain of three maps) replaced by
/// that variable's values, so far as they are known. A bounded walk: a cycle or a long
/// chain leaves the variable in the list, which no check then passes.
fn values_of<'n>(nginx: &'n NginxModel, name: &str) -> Vec<&'n str> {
    let direct = |name: &str| -> Vec<&'n str> {
        nginx
            .set_values
            .get(name)
            .into_iter()
            .chain(nginx.map_values.get(name))
            .flatten()
            .map(String::as_str)
            .collect()
    };
    let mut out: Vec<&str> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut todo = direct(name);
    let mut budget = 256;
    while let Some(v) = todo.pop() {
        budget -= 1;
        let variable = v
            .strip_prefix('$')
            .map(|n| n.trim_start_matches('{').trim_end_matches('}'))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        match variable {
            Some(next) if budget > 0 && !seen.contains(&next) => {
                seen.push(next);
                let more = direct(next);
                if more.is_empty() {
                    out.push(v);
                }
                todo.extend(more);
            }
            _ => out.push(v),
        }
    }
    out
}

/// `10.0.0.5:9000`, `[::1]:9000`, `127.0.0.1`: an address nginx connects to as written.
fn is_ip_address(value: &str) -> bool {
    if let Some(rest) = value.strip_prefix('[') {
        return rest
            .split(']')
            .next()
            .is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok());
    }
    let host = value.rsplit_once(':').map_or(value, |(h, _)| h);
    host.parse::<std::net::Ipv4Addr>().is_ok()
}
